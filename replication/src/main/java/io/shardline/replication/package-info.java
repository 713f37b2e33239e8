/**
 * API of replication: the {@link io.shardline.replication.ReplicationListener} applications
 * implement, the replica states it reports, and the reports of verify
 * ({@link io.shardline.replication.Verification}) and resync ({@link io.shardline.replication.Resync}).
 * Values and callbacks only.
 *
 * <p>The machinery lives below: {@code .log} (Shardline's own tables and the one owner of the
 * change format), {@code .apply} (one applier per replica, pruning and alerts), {@code .consistency}
 * (verify and resync). They are exported to the driver only.
 */
package io.shardline.replication;
