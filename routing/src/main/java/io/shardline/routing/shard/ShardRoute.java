package io.shardline.routing.shard;

/**
 * Where one execution of a statement goes, decided by {@link ShardRouter} from the statement's
 * analysis and its bound parameters.
 *
 * @param shards       the shard indexes the statement runs on, ascending (one for a routed
 *                     statement, all for a scatter or a broadcast write)
 * @param broadcast    a write to a broadcast table: the same statement on every shard
 * @param merge        for a SELECT on several shards: how to run and combine it; null otherwise
 *                     (a broadcast-table read is sent to one shard and needs no merge)
 * @param shardSql     the SQL to send to each shard (rewritten for a merge: e.g. LIMIT n+m, AVG as
 *                     SUM + COUNT); the statement's own SQL when nothing changes
 * @param dropParameters 1-based positions of the ORIGINAL parameters not bound in {@code shardSql}
 *                     (LIMIT/OFFSET parameters folded into the text); empty when none
 * @param rowShards    for an INSERT ... VALUES on several shards: the shard of each VALUES row, in
 *                     order; null otherwise
 */
public record ShardRoute(int[] shards, boolean broadcast, SelectMerge merge, String shardSql, int[] dropParameters,
                         int[] rowShards) {

    /** True when the statement runs on exactly one shard. */
    public boolean single() {
        return shards.length == 1;
    }
}
