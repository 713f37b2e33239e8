/**
 * Read balancing: one class per balancer (round-robin, random, weighted, least-lag) choosing
 * among the replicas a {@link io.shardline.routing.read.ReplicaCandidates} view says qualify. Lock-
 * and allocation-free; uses nothing else in Shardline.
 */
package io.shardline.routing.read;
