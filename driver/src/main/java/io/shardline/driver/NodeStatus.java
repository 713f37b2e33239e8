package io.shardline.driver;

import java.time.Instant;

/**
 * One node as seen by a running Shardline runtime. Never contains credentials.
 *
 * @param shard          the shard's name
 * @param node           the data source's name
 * @param role           {@code primary} or {@code replica}
 * @param state          HEALTHY, CATCHING_UP, DOWN, BROKEN, STOPPED or PAUSED (a primary is HEALTHY while
 *                       its pool is open and the last log maintenance round reached it, DOWN when
 *                       that round could not connect)
 * @param position       a primary's last committed log position known to this runtime; a
 *                       replica's watermark (last applied position; 0 before the applier first
 *                       reached the replica)
 * @param lagEntries     for a replica: log entries committed on its primary that it has not
 *                       applied yet; 0 for a primary
 * @param reads          statements this runtime routed to the node as reads
 * @param writes         statements this runtime routed to the node as writes
 * @param lastError      the last apply error of a replica (or the last failed log maintenance
 *                       round of a primary), or null
 * @param logEntries     for a primary: entries in its replication log not yet pruned (as of the
 *                       last maintenance round, once a second); 0 for a replica
 * @param lagSeconds     for a replica: age of the oldest entry it has not applied yet (as measured
 *                       by the last maintenance round, once a second); 0 when caught up and for a
 *                       primary
 * @param applyRate      for a replica: entries applied per second over the last 10 seconds; 0 for
 *                       a primary
 * @param appliedEntries for a replica: entries this runtime's applier has applied since it
 *                       started (a counter); 0 for a primary
 * @param lastErrorAt    when {@code lastError} happened, or null
 * @param brokenPosition for a BROKEN replica: the log position it is halted at; otherwise 0
 */
public record NodeStatus(String shard, String node, String role, String state, long position,
                         long lagEntries, long reads, long writes, String lastError, long logEntries,
                         double lagSeconds, double applyRate, long appliedEntries, Instant lastErrorAt,
                         long brokenPosition) {

    /** The fields of the first version of this record; the newer ones are 0 or null. */
    public NodeStatus(String shard, String node, String role, String state, long position,
                      long lagEntries, long reads, long writes, String lastError, long logEntries) {
        this(shard, node, role, state, position, lagEntries, reads, writes, lastError, logEntries, 0, 0, 0, null, 0);
    }

    /** True for a primary. */
    public boolean isPrimary() {
        return "primary".equals(role);
    }

    /** True if the node is DOWN or BROKEN (the states that need attention). */
    public boolean needsAttention() {
        return "DOWN".equals(state) || "BROKEN".equals(state);
    }
}
