/**
 * JMH benchmarks: the same workloads through raw HikariCP, Shardline and ShardingSphere-JDBC on the
 * same databases, and Shardline-only figures (apply throughput, lag, verify); {@code run.sh}
 * writes {@code docs/benchmarks.md}. Reaches the routing decision through the driver's
 * {@code internal} package, nothing else that is not API.
 */
package io.shardline.benchmarks;
