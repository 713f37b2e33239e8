package io.shardline.driver.jmx;

/**
 * One node of a running topology, as a JMX MBean named
 * {@code io.shardline:type=Node,name=<topology>,shard=<shard>,node=<node>}. The attributes are the
 * fields of {@link io.shardline.driver.NodeStatus}; they never contain credentials.
 */
public interface ShardlineNodeMBean {

    String getShard();

    String getNode();

    /** {@code primary} or {@code replica}. */
    String getRole();

    /** HEALTHY, CATCHING_UP, DOWN, BROKEN, STOPPED or PAUSED. */
    String getState();

    /** A primary's log head; a replica's watermark. */
    long getPosition();

    long getLagEntries();

    double getLagSeconds();

    /** Entries applied per second over the last 10 s (replicas). */
    double getApplyRate();

    /** Entries applied since start by this process (replicas). */
    long getAppliedEntries();

    /** Entries in the primary's replication log (primaries). */
    long getLogEntries();

    long getReads();

    long getWrites();

    String getLastError();

    /** ISO-8601 time of the last error, or null. */
    String getLastErrorTime();

    /** The position a BROKEN replica is halted at, or 0. */
    long getBrokenPosition();
}
