/**
 * Sharding decisions: the shard strategies (mod, hash, range), the route of a statement from its
 * shard key (where clauses, IN lists, INSERT rows split per shard), the merge plan of a
 * cross-shard SELECT, refusals of what cannot be answered correctly, and snowflake ids. Uses
 * {@code io.shardline.routing} (the topology) and {@code .sql} (the analysis); no I/O.
 */
package io.shardline.routing.shard;
