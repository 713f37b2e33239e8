package io.shardline.replication;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a {@code verify} run reports: the options it ran with, its progress, and its results per
 * replica, table and chunk. Returned by {@code ShardlineDataSource.verify}; immutable.
 */
public final class Verification {

    private Verification() {
    }

    /**
     * Tuning.
     *
     * @param chunkSize       rows per chunk (default 5,000)
     * @param catchUpTimeout  how long to wait for a replica to reach the primary's position for one chunk
     *                        before calling a differing chunk "unverified: replica behind" (default 30 s)
     * @param lockBudget      how long a re-check may hold the primary's log-head lock, i.e. delay
     *                        commits (default 250 ms)
     * @param rechecks        re-check attempts of a chunk that differed while the replica was ahead (default 5)
     * @param maxRowsReported differing row keys listed per table and replica (default 1,000; the count is always exact)
     */
    public record Options(int chunkSize, Duration catchUpTimeout, Duration lockBudget, int rechecks, int maxRowsReported) {

        /** Validates. */
        public Options {
            if (chunkSize < 1) throw new IllegalArgumentException("chunkSize must be positive");
            Objects.requireNonNull(catchUpTimeout, "catchUpTimeout");
            Objects.requireNonNull(lockBudget, "lockBudget");
        }

        /** The defaults. */
        public static Options defaults() {
            return new Options(5_000, Duration.ofSeconds(30), Duration.ofMillis(250), 5, 1_000);
        }

        /** A copy with another chunk size. */
        public Options withChunkSize(int n) {
            return new Options(n, catchUpTimeout, lockBudget, rechecks, maxRowsReported);
        }

        /** A copy with another catch-up timeout. */
        public Options withCatchUpTimeout(Duration d) {
            return new Options(chunkSize, d, lockBudget, rechecks, maxRowsReported);
        }
    }

    /** How a row differs. */
    public enum RowDifference {
        /** The primary has the key, the replica does not. */
        MISSING_ON_REPLICA,
        /** The replica has a key the primary does not. */
        EXTRA_ON_REPLICA,
        /** Both have the key with different column values. */
        DIFFERENT
    }

    /** One differing row: its primary key as text ({@code 42}, {@code (7, x)}) and how it differs. */
    public record RowDiff(String key, RowDifference kind) {
        @Override
        public String toString() {
            return key + " " + kind;
        }
    }

    /**
     * One chunk that differs (or could not be verified): its key range ({@code fromExclusive}
     * "-" = start of the table, {@code toInclusive} "-" = end of the table) and the differing rows
     * (up to {@link Options#maxRowsReported()} per table).
     */
    public record ChunkDiff(String fromExclusive, String toInclusive, int differingRows, List<RowDiff> rows) {
    }

    /**
     * The comparison of one table on one replica.
     *
     * @param hasPrimaryKey false: compared by a whole-table checksum; rows cannot be named
     * @param rows          rows read from the primary
     * @param differences   chunks that really differ at the same log position
     * @param unverified    chunks that differed while the replica was behind (not reported as differences)
     * @param error         why the table could not be compared (e.g. missing on the replica), or null
     * @param rules         for a replica of another engine, compared by value: each column's rule
     *                      ({@code price: decimal by value (scale ignored) [...]}); empty otherwise
     */
    public record TableResult(String table, boolean hasPrimaryKey, long rows, int chunks, List<ChunkDiff> differences,
                              List<ChunkDiff> unverified, String error, List<String> rules) {

        /** Copies the rules. */
        public TableResult {
            rules = rules == null ? List.of() : List.copyOf(rules);
        }

        /** A result of a replica of the primary's engine (compared as read, no rules). */
        public TableResult(String table, boolean hasPrimaryKey, long rows, int chunks, List<ChunkDiff> differences,
                           List<ChunkDiff> unverified, String error) {
            this(table, hasPrimaryKey, rows, chunks, differences, unverified, error, List.of());
        }

        /** True when the table is proved equal. */
        public boolean consistent() {
            return differences.isEmpty() && unverified.isEmpty() && error == null;
        }

        /** Number of differing rows (for tables with a primary key), or chunks otherwise. */
        public long differingRows() {
            long n = 0;
            for (ChunkDiff c : differences) n += c.differingRows();
            return n;
        }
    }

    /**
     * One replica's results.
     *
     * @param state  the applier's state when known (HEALTHY, CATCHING_UP, DOWN, BROKEN ...), or null
     * @param problem why the replica could not be (fully) compared, e.g. DOWN or BROKEN with its error; or null
     */
    public record ReplicaResult(String shard, String replica, String state, String problem, List<TableResult> tables) {

        /** True when every table is proved equal and the replica had no problem. */
        public boolean consistent() {
            if (problem != null) return false;
            for (TableResult t : tables) if (!t.consistent()) return false;
            return true;
        }

        /** True when some table really differs (not merely unverified). */
        public boolean differs() {
            for (TableResult t : tables) if (!t.differences().isEmpty()) return true;
            return false;
        }
    }

    /** The whole verification. */
    public record Report(List<ReplicaResult> replicas, Duration elapsed) {

        /** True when every replica is proved identical to its primary. */
        public boolean consistent() {
            for (ReplicaResult r : replicas) if (!r.consistent()) return false;
            return true;
        }

        /** True when some table really differs on some replica. */
        public boolean differs() {
            for (ReplicaResult r : replicas) if (r.differs()) return true;
            return false;
        }

        /** The results that are not consistent: (replica, table) pairs with differences, unverified chunks or errors. */
        public List<String> problems() {
            List<String> out = new ArrayList<>();
            for (ReplicaResult r : replicas) {
                if (r.problem() != null) out.add(r.replica() + ": " + r.problem());
                for (TableResult t : r.tables()) {
                    if (t.error() != null) out.add(r.replica() + " " + t.table() + ": " + t.error());
                    if (!t.differences().isEmpty()) out.add(r.replica() + " " + t.table() + ": " + t.differingRows() + " differing");
                    if (!t.unverified().isEmpty()) out.add(r.replica() + " " + t.table() + ": " + t.unverified().size()
                            + " chunk(s) unverified, replica behind");
                }
            }
            return out;
        }

        /** A human-readable report, one block per replica. */
        public String format() {
            StringBuilder sb = new StringBuilder();
            for (ReplicaResult r : replicas) {
                sb.append("replica ").append(r.replica()).append(" (shard ").append(r.shard()).append(")");
                if (r.state() != null) sb.append(", state ").append(r.state());
                sb.append(r.consistent() ? ": identical to the primary" : r.differs() ? ": DIFFERS" : ": NOT VERIFIED")
                        .append('\n');
                if (r.problem() != null) sb.append("  ").append(r.problem()).append('\n');
                for (TableResult t : r.tables()) {
                    sb.append("  ").append(t.table()).append(": ").append(t.rows()).append(" rows, ").append(t.chunks())
                            .append(t.chunks() == 1 ? " chunk" : " chunks");
                    if (!t.hasPrimaryKey()) sb.append(" (no primary key: whole-table checksum, rows cannot be named)");
                    if (t.error() != null) sb.append(" - ERROR: ").append(t.error());
                    else if (t.consistent()) sb.append(" - ok");
                    sb.append('\n');
                    if (!t.rules().isEmpty()) sb.append("    compared by value (replica of another engine):\n");
                    for (String rule : t.rules()) sb.append("      ").append(rule).append('\n');
                    for (ChunkDiff c : t.differences()) {
                        sb.append("    DIFF chunk (").append(c.fromExclusive()).append(", ").append(c.toInclusive())
                                .append("]: ").append(c.differingRows()).append(" row(s)");
                        if (!c.rows().isEmpty()) sb.append(": ").append(c.rows());
                        sb.append('\n');
                    }
                    for (ChunkDiff c : t.unverified()) {
                        sb.append("    UNVERIFIED chunk (").append(c.fromExclusive()).append(", ").append(c.toInclusive())
                                .append("]: replica behind the primary, ").append(c.differingRows())
                                .append(" row(s) not yet equal\n");
                    }
                }
            }
            sb.append(consistent() ? "verify: every replica is identical to its primary"
                    : differs() ? "verify: DIFFERENCES found" : "verify: not everything could be verified");
            sb.append(" (").append(elapsed.toMillis()).append(" ms)\n");
            return sb.toString();
        }
    }

    /**
     * Progress of a long run: reported after each chunk and at the end of each table.
     *
     * @param estimatedRows the primary's row count (MySQL: statistics estimate), or -1
     */
    public record Progress(String shard, String table, int tableIndex, int tableCount, long rowsDone, long estimatedRows,
                           boolean tableDone) {
        /** {@code "orders 3/5: 120000/1000000 rows (12%)"} */
        @Override
        public String toString() {
            String pct = estimatedRows > 0 ? " (" + Math.min(100, rowsDone * 100 / estimatedRows) + "%)" : "";
            return table + " " + tableIndex + "/" + tableCount + ": " + rowsDone
                    + (estimatedRows >= 0 ? "/" + estimatedRows : "") + " rows" + pct + (tableDone ? " done" : "");
        }
    }
}
