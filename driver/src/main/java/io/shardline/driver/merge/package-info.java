/**
 * Cross-shard results: {@link io.shardline.driver.merge.MergedResultSet} combines the per-shard
 * result sets of a scatter read by a {@code SelectMerge} plan (streaming union, k-way ORDER BY
 * merge, LIMIT/OFFSET, aggregates, GROUP BY, DISTINCT), with the value order, equality and typed
 * conversions of {@code MergedValues}. Uses only the JDK and {@code io.shardline.routing.shard}.
 */
package io.shardline.driver.merge;
