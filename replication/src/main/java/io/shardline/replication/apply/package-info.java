/**
 * Applying the log: one {@link io.shardline.replication.apply.ReplicaApplier} per replica (exactly
 * once, in order, with the watermark in the same replica transaction; DOWN/backoff/catch-up,
 * BROKEN on a change retry cannot cure), and {@link io.shardline.replication.apply.LogMaintenance}
 * (pruning of what every replica applied, size and lag alerts). Uses {@code .log} and the API
 * package's listener.
 */
package io.shardline.replication.apply;
