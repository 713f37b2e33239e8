package io.shardline.driver;

/**
 * One node as seen by a running Shardline runtime. Never contains credentials.
 *
 * @param shard       the shard's name
 * @param node        the data source's name
 * @param role        {@code primary} or {@code replica}
 * @param state       HEALTHY, CATCHING_UP, DOWN, BROKEN or STOPPED (a primary is HEALTHY while
 *                    its pool is open)
 * @param position    a primary's last committed log position known to this runtime; a
 *                    replica's watermark (last applied position)
 * @param lagEntries  for a replica: log entries committed through this runtime that it has not
 *                    applied yet; 0 for a primary
 * @param reads       statements this runtime routed to the node as reads
 * @param writes      statements this runtime routed to the node as writes
 * @param lastError   the last apply error of a replica, or null
 * @param logEntries  for a primary: entries in its replication log not yet pruned (as of the last
 *                    maintenance round, once a second); 0 for a replica
 */
public record NodeStatus(String shard, String node, String role, String state, long position,
                         long lagEntries, long reads, long writes, String lastError, long logEntries) {
}
