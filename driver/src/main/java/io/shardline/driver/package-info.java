/**
 * API: {@link io.shardline.driver.ShardlineDriver}, {@link io.shardline.driver.ShardlineDataSource},
 * the status values, the read-your-writes {@link io.shardline.driver.ShardlineSession} token and
 * {@link io.shardline.driver.ShardlineConfigException}.
 *
 * <p>Package-private here: the JDBC core, i.e. the wrappers an application holds
 * ({@code ShardlineConnection}, the statements, result sets, metadata), a connection's business
 * with one shard ({@code ShardConnection}), scatter reads and multi-shard writes
 * ({@code ShardedExecution}), determinism and generated keys, and the runtime shared by all
 * connections of one URL. The core uses the sub-packages; they never use the core (they may use
 * this package's public value types, e.g. {@code NodeStatus}): {@code .merge} (cross-shard
 * results), {@code .config} (YAML reading, validation, pools), {@code .jmx} and {@code .metrics}
 * (operations), {@code .flyway} (the Flyway plugin), {@code .internal} (views for the benchmarks).
 */
package io.shardline.driver;
