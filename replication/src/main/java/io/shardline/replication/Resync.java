package io.shardline.replication;

import java.time.Duration;

/**
 * What a {@code resync} run reports: its progress per table and its outcome. Returned by
 * {@code ShardlineDataSource.resync}; immutable.
 */
public final class Resync {

    private Resync() {
    }

    /**
     * Progress: reported after each copied chunk and at the end of each table.
     *
     * @param estimatedRows the primary's row count (MySQL: statistics estimate), or -1
     */
    public record Progress(String replica, String table, int tableIndex, int tableCount, long rowsCopied,
                           long estimatedRows, boolean tableDone) {
        @Override
        public String toString() {
            String pct = estimatedRows > 0 ? " (" + Math.min(100, rowsCopied * 100 / estimatedRows) + "%)" : "";
            return "resync " + replica + ": " + table + " " + tableIndex + "/" + tableCount + ": " + rowsCopied
                    + (estimatedRows >= 0 ? "/" + estimatedRows : "") + " rows" + pct + (tableDone ? " done" : "");
        }
    }

    /**
     * The outcome.
     *
     * @param position         the log position of the snapshot, now the replica's watermark
     * @param previousPosition the replica's watermark before the resync
     */
    public record Result(String replica, long position, long previousPosition, int tables, long rows, Duration elapsed) {
        @Override
        public String toString() {
            return "replica " + replica + " resynced: " + tables + " tables, " + rows + " rows, at log position " + position
                    + " (was " + previousPosition + "), " + elapsed.toMillis() + " ms";
        }
    }
}
