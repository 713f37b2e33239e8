/**
 * API: the topology model ({@link io.shardline.routing.Topology}), the validated content of a
 * topology YAML file. Immutable values only; it uses nothing else in Shardline.
 *
 * <p>The rest of the module (no I/O anywhere in it): {@code .sql} decides what a SQL text is,
 * {@code .shard} which shards it goes to and how their rows merge, {@code .read} which replica
 * serves a read. Those packages are exported to Shardline's own modules only.
 */
package io.shardline.routing;
