/**
 * Proving and repairing replicas: {@link io.shardline.replication.consistency.ConsistencyVerifier}
 * (chunked checksums of primary and replica at the same log position) and
 * {@link io.shardline.replication.consistency.ReplicaResync} (a replica rebuilt from a consistent
 * snapshot at a known position). Uses {@code .log}, {@code .apply} and reports through the API's
 * {@code Verification} and {@code Resync}.
 */
package io.shardline.replication.consistency;
