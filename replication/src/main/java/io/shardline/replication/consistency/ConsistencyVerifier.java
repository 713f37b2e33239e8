package io.shardline.replication.consistency;

import io.shardline.replication.Verification;
import io.shardline.replication.ReplicaState;
import io.shardline.replication.Verification.ChunkDiff;
import io.shardline.replication.Verification.Options;
import io.shardline.replication.Verification.Progress;
import io.shardline.replication.Verification.ReplicaResult;
import io.shardline.replication.Verification.Report;
import io.shardline.replication.Verification.RowDiff;
import io.shardline.replication.Verification.RowDifference;
import io.shardline.replication.Verification.TableResult;
import io.shardline.replication.apply.ReplicaApplier;
import io.shardline.replication.log.Dialect;
import io.shardline.replication.log.ReplicationLog;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves that replicas hold exactly their primary's data, pt-table-checksum style, against live
 * databases.
 *
 * <p>Every application table of the primary's current schema (MySQL/MariaDB: database) is walked
 * in primary-key order in bounded chunks ({@code WHERE pk > ? ORDER BY pk LIMIT n}, keyset
 * pagination, so each chunk is one index range scan). On MySQL/MariaDB the servers checksum each
 * chunk themselves (row count and the XOR of every row's MD5 over its columns' text, nulls
 * marked; the chunk's upper key found by an index-only walk on the primary), so rows cross the
 * network only for a chunk whose checksums differ (tables with column types whose server text is
 * not known to be exact are hashed on the client). Otherwise, and
 * to drill into a differing chunk, each row is hashed (MD5 over every column's value, nulls
 * marked) on the client; a chunk is equal when both nodes return the same keys with the same row
 * hashes. For a differing chunk the exact differing primary keys are reported: missing on the
 * replica, extra on the replica, or different.
 *
 * <h2>Comparing live nodes at the same log position</h2>
 * The primary's chunk is read in one snapshot transaction together with the log head {@code H}
 * (H2: {@code SNAPSHOT} isolation; MySQL/MariaDB: {@code REPEATABLE READ}, whose snapshot is
 * taken at the first read), so it is the table as of position {@code H} exactly. The verifier
 * reads the replica's chunk (if it differs and the replica is behind, again after waiting until its
 * watermark reaches {@code H}) in one
 * snapshot transaction together with its watermark {@code W} (the applier commits rows and
 * watermark together; a chunk that is already equal is accepted without waiting). Then:
 * <ul>
 *   <li>equal chunks are equal;</li>
 *   <li>different chunks with {@code W == H} are a real difference;</li>
 *   <li>different chunks with {@code W > H} (the replica applied newer entries meanwhile) are
 *       re-checked: the primary's chunk is read, then the head {@code H'}, the replica is
 *       awaited to {@code H'} (at most {@link Options#lockBudget()}) and read, and the primary's
 *       chunk is read again. Commits go on meanwhile (nothing freezes them); if the chunk did not
 *       change between the two primary reads, the replica (at or past {@code H'}) must hold it
 *       exactly. A chunk that keeps changing, or a replica that does not reach {@code H'}, is
 *       retried and after {@link Options#rechecks()} attempts reported unverified;</li>
 *   <li>different chunks with {@code W < H} after {@link Options#catchUpTimeout()} (a paused,
 *       lagging, DOWN or BROKEN replica) are reported as unverified ("replica behind"), never as
 *       a difference.</li>
 * </ul>
 *
 * <p>Tables without a primary key cannot be walked in chunks; they are compared as a whole by an
 * order-independent checksum (sum of row hashes and row count), and the report says so (their
 * differing rows cannot be named).
 *
 * <h2>A replica of another engine</h2>
 * Its rows print differently (a boolean {@code 1} or {@code t}, a decimal {@code 1.5000} or
 * {@code 1.5}), so it is compared by value ({@link TableView#pair}) in a walk of its own: its table
 * and columns are found by name (exactly, else without regard to case; the primary's default
 * schema is the replica's), each side read with its own table and quoting, each column pair hashed
 * as one comparison kind, the chunk bounds converted into the replica's key columns; never by the
 * servers' checksums. The report names each column's rule. Both engines must order the key alike
 * for a key range to select the same rows on both sides (numbers, booleans, dates and times; not
 * text, whose collations differ, nor UUIDs or bytes): otherwise the table is compared in one chunk
 * (its keys and row hashes held in memory), matched by key rather than by order.
 *
 * <p>Thread-safety: one instance runs one verification at a time.
 */
public final class ConsistencyVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(ConsistencyVerifier.class);
    /** H2's {@code SNAPSHOT} isolation level (not a {@link Connection} constant). */
    private static final int H2_SNAPSHOT = 6;

    /** A replica to compare: its name, data source, and its applier in this process (or null). */
    public record Replica(String name, DataSource dataSource, ReplicaApplier applier) {
    }


    private final String shard;
    private final DataSource primary;
    private final List<Replica> replicas;
    private final String configuredSchema;
    private final Options options;
    /** The replicas' checksums of a run, computed while the primary computes its own. */
    private java.util.concurrent.ExecutorService parallel;

    /**
     * @param shard            the shard's name, for the report
     * @param configuredSchema {@code replication.schema} (Shardline's own tables are excluded)
     */
    public ConsistencyVerifier(String shard, DataSource primary, List<Replica> replicas, String configuredSchema,
                               Options options) {
        this.shard = shard;
        this.primary = primary;
        this.replicas = List.copyOf(replicas);
        this.configuredSchema = configuredSchema;
        this.options = options;
    }

    /** One chunk's rows as read on one node: keys in primary-key order and a 128-bit hash per row. */
    private static final class Chunk {
        final List<Object[]> keys = new ArrayList<>();
        /** Per row, read by value: its key's text both engines agree on ({@link TableView#id}); natively null. */
        final List<String> ids = new ArrayList<>();
        long[] hi = new long[16];
        long[] lo = new long[16];
        long position;
        /** No primary key: order-independent sums. */
        long sumHi;
        long sumLo;

        int size() {
            return keys.size();
        }

        /** The key of row {@code i} as reported and matched across the two nodes. */
        String id(int i) {
            String id = ids.get(i);
            return id != null ? id : TableSet.keyText(keys.get(i));
        }

        boolean sameKey(int i, Chunk other) {
            String id = ids.get(i);
            return id != null ? id.equals(other.ids.get(i)) : Arrays.deepEquals(keys.get(i), other.keys.get(i));
        }

        void add(Object[] key, String id, byte[] digest) {
            int n = keys.size();
            if (n == hi.length) {
                hi = Arrays.copyOf(hi, n * 2);
                lo = Arrays.copyOf(lo, n * 2);
            }
            long h = 0;
            long l = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (digest[i] & 0xff);
                l = (l << 8) | (digest[i + 8] & 0xff);
            }
            hi[n] = h;
            lo[n] = l;
            sumHi += h;
            sumLo += l;
            keys.add(key);
            ids.add(id);
        }
    }

    /** Per-replica state during a run. */
    private final class Target {
        final Replica replica;
        final ReplicationLog log;
        /** A replica of another engine than the primary's: its application tables; else null. */
        List<TableSet.Table> foreignTables;
        String problem;
        boolean failed;
        final List<TableResult> tables = new ArrayList<>();
        // per table
        List<ChunkDiff> diffs;
        List<ChunkDiff> unverified;
        int reportedRows;
        String tableError;
        long rows;
        int chunks;
        List<String> rules;

        Target(Replica replica, ReplicationLog log) {
            this.replica = replica;
            this.log = log;
        }
    }

    /**
     * Compares every application table between the primary and each replica.
     *
     * @param progress told after each chunk; may be null
     */
    public Report run(Consumer<Progress> progress) throws SQLException {
        long t0 = System.nanoTime();
        Consumer<Progress> prog = progress == null ? p -> { } : progress;
        List<Target> targets = new ArrayList<>();
        List<ReplicaResult> results = new ArrayList<>();
        List<TableSet.Table> tables;
        ReplicationLog primaryLog;
        try (Connection p = primary.getConnection()) {
            primaryLog = ReplicationLog.forNode(p, configuredSchema);
            tables = TableSet.list(p, primaryLog.schema());
        }
        Map<Replica, String> states = new LinkedHashMap<>();
        for (Replica r : replicas) {
            String state = r.applier() == null ? null : r.applier().state().name();
            states.put(r, state);
            try (Connection c = r.dataSource().getConnection()) {
                Target t = new Target(r, ReplicationLog.forNode(c, configuredSchema));
                if (t.log.dialect() != primaryLog.dialect()) t.foreignTables = TableSet.list(c, t.log.schema());
                if (r.applier() != null && r.applier().state() == ReplicaState.BROKEN) {
                    t.problem = "BROKEN at log position " + r.applier().brokenPosition() + ": " + r.applier().lastError()
                            + " (compared without waiting; run resync)";
                }
                targets.add(t);
            } catch (SQLException e) {
                results.add(new ReplicaResult(shard, r.name(), state == null ? "DOWN" : state,
                        "DOWN: cannot connect (" + e.getMessage() + ")", List.of()));
            }
        }
        parallel = java.util.concurrent.Executors.newFixedThreadPool(Math.max(1, targets.size()), r -> {
            Thread t = new Thread(r, "shardline-verify-" + shard);
            t.setDaemon(true);
            return t;
        });
        try (Connection p = primary.getConnection()) {
            int idx = 0;
            for (TableSet.Table table : tables) {
                idx++;
                verifyTable(p, primaryLog, table, idx, tables.size(), targets, prog);
            }
        } finally {
            parallel.shutdownNow();
        }
        for (Target t : targets) {
            results.add(new ReplicaResult(shard, t.replica.name(), states.get(t.replica), t.problem, List.copyOf(t.tables)));
        }
        return new Report(List.copyOf(results), Duration.ofNanos(System.nanoTime() - t0));
    }

    private void verifyTable(Connection p, ReplicationLog primaryLog, TableSet.Table table, int idx, int count,
                             List<Target> targets, Consumer<Progress> prog) throws SQLException {
        long estimate = TableSet.estimateRows(p, table);
        List<Target> alike = new ArrayList<>();
        for (Target t : targets) {
            t.diffs = new ArrayList<>();
            t.unverified = new ArrayList<>();
            t.reportedRows = 0;
            t.tableError = null;
            t.rows = 0;
            t.chunks = 0;
            t.rules = List.of();
            if (t.foreignTables == null) alike.add(t);
        }
        long rows = 0;
        // the replicas of the primary's engine in one walk; each of another engine by value in one of its own
        if (!alike.isEmpty() || targets.isEmpty()) {
            TableView v = TableView.of(table);
            rows = walk(p, primaryLog, v, v, table.hasPrimaryKey(), alike, idx, count, estimate, prog);
        }
        for (Target t : targets) {
            if (t.foreignTables == null || t.failed) continue;
            TableView.Pair pair;
            try {
                pair = TableView.pair(table, primaryLog.dialect(), t.foreignTables, t.log.dialect(), false);
            } catch (SQLException e) {
                t.tableError = e.getMessage();
                continue;
            }
            t.rules = pair.rules();
            rows = walk(p, primaryLog, pair.primary(), pair.replica(), pair.ordered(), List.of(t), idx, count, estimate, prog);
        }
        for (Target t : targets) {
            if (t.failed && t.tableError == null && t.diffs.isEmpty()) continue;
            t.tables.add(new TableResult(table.name(), table.hasPrimaryKey(), t.rows, t.chunks, List.copyOf(t.diffs),
                    List.copyOf(t.unverified), t.tableError, t.rules));
        }
        prog.accept(new Progress(shard, table.name(), idx, count, rows, estimate, true));
    }

    /**
     * Walks the primary's table in chunks ({@code chunked}; else as a whole) and compares each
     * with the replicas {@code ts}, read through {@code rv}.
     *
     * @return the primary's rows
     */
    private long walk(Connection p, ReplicationLog primaryLog, TableView pv, TableView rv, boolean chunked, List<Target> ts,
                      int idx, int count, long estimate, Consumer<Progress> prog) throws SQLException {
        TableSet.Table table = pv.table;
        long rows = 0;
        int chunks = 0;
        Object[] lower = null;
        boolean last = false;
        // MySQL/MariaDB: the servers hash their rows; rows travel only for a chunk whose checksums
        // differ. Not for a replica of another engine: its server's text of a value is another.
        boolean serverSums = pv == rv && primaryLog.dialect() == Dialect.MYSQL && serverChecksum(table);
        while (!last) {
            Object[] upper;
            if (serverSums) {
                upper = boundary(p, table, lower);
                last = upper == null;
                rows += compareSums(p, primaryLog, pv, ts, lower, upper);
            } else {
                Chunk pc = readSnapshot(p, primaryLog, pv, lower, null, chunked ? options.chunkSize() : 0, true);
                last = !chunked || pc.size() < options.chunkSize();
                upper = last ? null : pc.keys.get(pc.size() - 1);
                rows += pc.size();
                for (Target t : ts) {
                    if (!t.failed && t.tableError == null) compareRows(p, primaryLog, pv, rv, t, lower, upper, pc);
                }
            }
            chunks++;
            lower = upper;
            prog.accept(new Progress(shard, table.name(), idx, count, rows, estimate, false));
        }
        for (Target t : ts) {
            t.rows = rows;
            t.chunks = chunks;
        }
        return rows;
    }

    /**
     * Compares the chunk {@code (lower, upper]} by the servers' checksums, the replicas' computed
     * while the primary computes its own; a replica whose checksum differs is compared row by row.
     *
     * @return the primary's rows in the chunk
     */
    private long compareSums(Connection p, ReplicationLog primaryLog, TableView view, List<Target> targets,
                             Object[] lower, Object[] upper) throws SQLException {
        TableSet.Table table = view.table;
        List<java.util.concurrent.Future<Sum>> sums = new ArrayList<>();
        for (Target t : targets) {
            sums.add(t.failed || t.tableError != null ? null : parallel.submit(() -> {
                try (Connection r = t.replica.dataSource().getConnection()) {
                    return sumSnapshot(r, t.log, table, lower, upper, false);
                }
            }));
        }
        Sum ps = sumSnapshot(p, primaryLog, table, lower, upper, true);
        Chunk pc = null;
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            if (sums.get(i) == null) continue;
            try {
                if (await(sums.get(i)).sameRows(ps)) continue;
                if (pc == null) pc = readSnapshot(p, primaryLog, view, lower, upper, 0, true);
            } catch (SQLException e) {
                failed(t, e);
                continue;
            }
            compareRows(p, primaryLog, view, view, t, lower, upper, pc);
        }
        return ps.count();
    }

    /** Compares one replica's chunk with the primary's rows {@code pc}, recording a failure as the replica's. */
    private void compareRows(Connection p, ReplicationLog primaryLog, TableView pv, TableView rv, Target t, Object[] lower,
                             Object[] upper, Chunk pc) {
        try {
            compareChunk(p, primaryLog, pv, rv, t, lower, upper, pc);
        } catch (SQLException e) {
            failed(t, e);
        }
    }

    /** A replica's comparison failed: a lost connection ends its verification, anything else this table's. */
    private static void failed(Target t, SQLException e) {
        if (ReplicaApplier.isTransient(e)) {
            t.failed = true;
            t.problem = "DOWN during verification: " + e.getMessage();
        } else {
            t.tableError = e.getMessage();
        }
    }

    private void compareChunk(Connection p, ReplicationLog primaryLog, TableView pv, TableView rv, Target t, Object[] lower,
                              Object[] upper, Chunk pc) throws SQLException {
        TableSet.Table table = pv.table;
        boolean broken = t.replica.applier() != null && t.replica.applier().state() == ReplicaState.BROKEN;
        long waitMillis = broken ? 0 : options.catchUpTimeout().toMillis();
        Chunk rc;
        List<RowDiff> diff;
        try (Connection r = t.replica.dataSource().getConnection()) {
            // equal chunks need no waiting; only a differing chunk of a replica behind waits for it
            rc = readSnapshot(r, t.log, rv, lower, upper, 0, false);
            diff = diff(table, pc, rc);
            if (diff.isEmpty()) return;
            if (rc.position < pc.position && awaitWatermark(r, t, pc.position, waitMillis) > rc.position) {
                rc = readSnapshot(r, t.log, rv, lower, upper, 0, false);
                diff = diff(table, pc, rc);
                if (diff.isEmpty()) return;
            }
        }
        if (rc.position == pc.position) {
            record(t, t.diffs, lower, upper, diff);
            return;
        }
        if (rc.position < pc.position) {
            record(t, t.unverified, lower, upper, diff);
            return;
        }
        // the replica is ahead: compare again with the primary frozen at one position
        for (int attempt = 0; attempt < options.rechecks(); attempt++) {
            List<RowDiff> locked = recheckStable(p, primaryLog, pv, rv, t, lower, upper);
            if (locked == null) continue; // the replica did not reach the frozen position in time
            if (!locked.isEmpty()) record(t, t.diffs, lower, upper, locked);
            return;
        }
        record(t, t.unverified, lower, upper, diff);
    }

    /**
     * Reads the chunk on the primary around a read of the replica (see the comment inside), waits
     * up to the lock budget for the replica to reach that position, and compares.
     *
     * @return the differing rows, or null when the replica did not reach the position in time
     */
    private List<RowDiff> recheckStable(Connection p, ReplicationLog primaryLog, TableView pv, TableView rv, Target t,
                                        Object[] lower, Object[] upper) throws SQLException {
        TableSet.Table table = pv.table;
        try (Connection r = t.replica.dataSource().getConnection()) {
            // catch up first without holding anything, so the locked wait is short
            long head;
            p.setAutoCommit(true);
            head = primaryLog.head(p);
            awaitWatermark(r, t, head, options.catchUpTimeout().toMillis());
            // No lock stops every commit any more (commit order needs none), so the chunk is read on
            // the primary before and after the replica's read: if it did not change in between, the
            // replica, at or past the head read first, must hold exactly it; entries past that head
            // that touched the chunk would have changed the second read.
            for (int attempt = 0; attempt < 3; attempt++) {
                Chunk before = read(p, pv, lower, upper, 0);
                long frozen = primaryLog.head(p);
                if (awaitWatermark(r, t, frozen, options.lockBudget().toMillis()) < frozen) return null;
                Chunk rc = readSnapshot(r, t.log, rv, lower, upper, 0, false);
                if (rc.position < frozen) return null;
                Chunk after = read(p, pv, lower, upper, 0);
                if (diff(table, before, after).isEmpty()) return diff(table, before, rc);
            }
            return null; // the chunk keeps changing: its difference cannot be told from lag
        }
    }

    private void record(Target t, List<ChunkDiff> into, Object[] lower, Object[] upper, List<RowDiff> diff) {
        int room = Math.max(0, options.maxRowsReported() - t.reportedRows);
        List<RowDiff> shown = diff.size() <= room ? diff : diff.subList(0, room);
        t.reportedRows += shown.size();
        into.add(new ChunkDiff(TableSet.keyText(lower), TableSet.keyText(upper), diff.size(), List.copyOf(shown)));
    }

    /**
     * Waits until the replica's watermark reaches {@code position} or the timeout passes.
     *
     * @return the last watermark seen
     */
    private long awaitWatermark(Connection r, Target t, long position, long timeoutMillis) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        ReplicaApplier a = t.replica.applier();
        while (true) {
            long w = t.log.watermark(r);
            if (w >= position) return w;
            long left = deadline - System.nanoTime();
            if (left <= 0) return w;
            if (a != null && a.state() == ReplicaState.BROKEN) return w;
            long slice = Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 20));
            try {
                if (a != null) a.awaitApplied(position, slice);
                else Thread.sleep(slice);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while waiting for replica " + t.replica.name(), "HY008", e);
            }
        }
    }

    /** The result of a replica's checksum computed in parallel; its SQLException as such. */
    private static Sum await(java.util.concurrent.Future<Sum> f) throws SQLException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while verifying", "HY008", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof SQLException s) throw s;
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** A chunk's checksum as a server computed it: its row count and the XOR of its rows' MD5 halves. */
    private record Sum(long count, long hi, long lo, long position) {
        boolean sameRows(Sum o) {
            return count == o.count && hi == o.hi && lo == o.lo;
        }
    }

    /**
     * Whether the server's text of every column is exact, so that equal checksums mean equal rows:
     * integers, decimals, strings, binaries, dates and times, bits, and {@code FLOAT}/{@code DOUBLE}
     * (MariaDB prints the shortest text that reads back as the same value: 2,000 random doubles and
     * floats checked, so distinct values print distinctly). Unknown types are not trusted: such
     * tables are hashed on the client.
     */
    static boolean serverChecksum(TableSet.Table table) {
        if (!table.hasPrimaryKey()) return false;
        for (TableSet.Column c : table.columns()) {
            switch (c.jdbcType()) {
                case java.sql.Types.BIT, java.sql.Types.BOOLEAN, java.sql.Types.TINYINT, java.sql.Types.SMALLINT,
                     java.sql.Types.INTEGER, java.sql.Types.BIGINT, java.sql.Types.DECIMAL, java.sql.Types.NUMERIC,
                     java.sql.Types.REAL, java.sql.Types.FLOAT, java.sql.Types.DOUBLE,
                     java.sql.Types.CHAR, java.sql.Types.VARCHAR, java.sql.Types.LONGVARCHAR, java.sql.Types.CLOB,
                     java.sql.Types.NCHAR, java.sql.Types.NVARCHAR, java.sql.Types.LONGNVARCHAR, java.sql.Types.NCLOB,
                     java.sql.Types.BINARY, java.sql.Types.VARBINARY, java.sql.Types.LONGVARBINARY, java.sql.Types.BLOB,
                     java.sql.Types.DATE, java.sql.Types.TIME, java.sql.Types.TIMESTAMP -> { }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The upper key of the chunk that starts after {@code lower}: the key of its
     * {@code chunkSize}-th row, or null when fewer rows follow (the last chunk). An index-only walk.
     */
    private Object[] boundary(Connection p, TableSet.Table table, Object[] lower) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(table.keyList()).append(" FROM ").append(table.quoted());
        if (lower != null) sql.append(" WHERE ").append(table.keyPredicate(">"));
        sql.append(" ORDER BY ").append(table.keyList()).append(" LIMIT 1 OFFSET ").append(options.chunkSize() - 1);
        List<TableSet.Column> cols = table.columns();
        int[] pk = table.primaryKey();
        try (PreparedStatement ps = p.prepareStatement(sql.toString())) {
            if (lower != null) for (int k = 0; k < pk.length; k++) TableSet.write(ps, k + 1, cols.get(pk[k]), lower[k]);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return null;
                Object[] key = new Object[pk.length];
                for (int k = 0; k < pk.length; k++) key[k] = TableSet.read(rs, k + 1, cols.get(pk[k]));
                return key;
            }
        }
    }

    /**
     * The MySQL/MariaDB expression of a chunk's checksum: each row's MD5 over its columns' text
     * ({@code CONCAT_WS} with the NULL flags appended, as pt-table-checksum does, so NULL and ''
     * differ), folded by XOR in two 64-bit halves, and the row count.
     */
    private static String sumSql(TableSet.Table table, boolean lower, boolean upper) {
        StringBuilder cols = new StringBuilder();
        StringBuilder nulls = new StringBuilder();
        for (TableSet.Column c : table.columns()) {
            if (c.generated()) continue;
            cols.append(c.quoted()).append(", ");
            if (nulls.length() > 0) nulls.append(", ");
            nulls.append("ISNULL(").append(c.quoted()).append(')');
        }
        StringBuilder sql = new StringBuilder("SELECT COUNT(*), COALESCE(BIT_XOR(CAST(CONV(SUBSTRING(h, 1, 16), 16, 10)"
                + " AS UNSIGNED)), 0), COALESCE(BIT_XOR(CAST(CONV(SUBSTRING(h, 17, 16), 16, 10) AS UNSIGNED)), 0) FROM"
                + " (SELECT MD5(CONCAT_WS('#', ").append(cols).append("CONCAT(").append(nulls).append("))) AS h FROM ")
                .append(table.quoted());
        if (lower || upper) sql.append(" WHERE ");
        if (lower) sql.append(table.keyPredicate(">"));
        if (lower && upper) sql.append(" AND ");
        if (upper) sql.append(table.keyPredicate("<="));
        return sql.append(") chunk").toString();
    }

    /** A chunk's server checksum and the node's log position, in one snapshot transaction. */
    private Sum sumSnapshot(Connection c, ReplicationLog log, TableSet.Table table, Object[] lower, Object[] upper,
                            boolean primaryNode) throws SQLException {
        return inSnapshot(c, log, primaryNode, position -> {
            List<TableSet.Column> cols = table.columns();
            int[] pk = table.primaryKey();
            try (PreparedStatement ps = c.prepareStatement(sumSql(table, lower != null, upper != null))) {
                int i = 1;
                if (lower != null) for (int k = 0; k < pk.length; k++) TableSet.write(ps, i++, cols.get(pk[k]), lower[k]);
                if (upper != null) for (int k = 0; k < pk.length; k++) TableSet.write(ps, i++, cols.get(pk[k]), upper[k]);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    // BIT_XOR is an unsigned 64-bit value
                    return new Sum(rs.getLong(1), Long.parseUnsignedLong(rs.getString(2)), Long.parseUnsignedLong(rs.getString(3)),
                            position);
                }
            }
        });
    }

    /** A read inside a snapshot transaction, given the node's log position read in the same snapshot. */
    private interface SnapshotRead<T> {
        T read(long position) throws SQLException;
    }

    /** Reads a chunk and the node's log position in one snapshot transaction. */
    private Chunk readSnapshot(Connection c, ReplicationLog log, TableView view, Object[] lower, Object[] upper,
                               int limit, boolean primaryNode) throws SQLException {
        return inSnapshot(c, log, primaryNode, position -> {
            Chunk ch = read(c, view, lower, upper, limit);
            ch.position = position;
            return ch;
        });
    }

    /** Runs {@code work} in one snapshot transaction that first reads the node's log position (primary: head; replica: watermark). */
    private static <T> T inSnapshot(Connection c, ReplicationLog log, boolean primaryNode, SnapshotRead<T> work)
            throws SQLException {
        boolean auto = c.getAutoCommit();
        int iso = c.getTransactionIsolation();
        Dialect d = log.dialect();
        c.setTransactionIsolation(d == Dialect.H2 ? H2_SNAPSHOT
                : d == Dialect.MYSQL ? Connection.TRANSACTION_REPEATABLE_READ : Connection.TRANSACTION_SERIALIZABLE);
        c.setAutoCommit(false);
        try {
            long position = primaryNode ? log.head(c) : log.watermark(c);
            T result = work.read(position);
            c.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException s) {
                e.addSuppressed(s);
            }
            throw e;
        } finally {
            c.setAutoCommit(auto);
            c.setTransactionIsolation(iso);
        }
    }

    private Chunk read(Connection c, TableView view, Object[] lower, Object[] upper, int limit) throws SQLException {
        TableSet.Table table = view.table;
        StringBuilder sql = new StringBuilder("SELECT ").append(view.select()).append(" FROM ").append(table.quoted());
        boolean keyed = table.hasPrimaryKey();
        if (keyed) {
            if (lower != null || upper != null) sql.append(" WHERE ");
            if (lower != null) sql.append(view.keyPredicate(">"));
            if (lower != null && upper != null) sql.append(" AND ");
            if (upper != null) sql.append(view.keyPredicate("<="));
            sql.append(" ORDER BY ").append(table.keyList());
            if (limit > 0) sql.append(" LIMIT ").append(limit);
        }
        MessageDigest md = md5();
        Chunk ch = new Chunk();
        int[] pk = table.primaryKey();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            if (keyed && lower != null) for (int k = 0; k < pk.length; k++) view.bind(ps, i++, pk[k], lower[k]);
            if (keyed && upper != null) for (int k = 0; k < pk.length; k++) view.bind(ps, i++, pk[k], upper[k]);
            if (!keyed) ps.setFetchSize(options.chunkSize());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Object[] key = view.hashRow(rs, md);
                    ch.add(key, view.id(key), md.digest());
                }
            }
        }
        return ch;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java platform", e);
        }
    }

    /** The differing rows of two chunks (for a table without primary key: one pseudo-row if the checksums differ). */
    private static List<RowDiff> diff(TableSet.Table table, Chunk a, Chunk b) {
        if (!table.hasPrimaryKey()) {
            if (a.size() == b.size() && a.sumHi == b.sumHi && a.sumLo == b.sumLo) return List.of();
            return List.of(new RowDiff("(whole table: primary " + a.size() + " rows, replica " + b.size() + " rows)",
                    RowDifference.DIFFERENT));
        }
        if (a.size() == b.size()) {
            boolean same = true;
            for (int i = 0; i < a.size() && same; i++) {
                same = a.hi[i] == b.hi[i] && a.lo[i] == b.lo[i] && a.sameKey(i, b);
            }
            if (same) return List.of();
        }
        Map<String, Integer> replicaRows = new HashMap<>();
        for (int i = 0; i < b.size(); i++) replicaRows.put(b.id(i), i);
        List<RowDiff> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            String k = a.id(i);
            Integer j = replicaRows.remove(k);
            if (j == null) out.add(new RowDiff(k, RowDifference.MISSING_ON_REPLICA));
            else if (a.hi[i] != b.hi[j] || a.lo[i] != b.lo[j]) out.add(new RowDiff(k, RowDifference.DIFFERENT));
        }
        for (int i = 0; i < b.size(); i++) {
            String k = b.id(i);
            if (replicaRows.containsKey(k)) out.add(new RowDiff(k, RowDifference.EXTRA_ON_REPLICA));
        }
        if (!out.isEmpty()) LOG.debug("{}: {} differing rows in a chunk", table.name(), out.size());
        return out;
    }
}
