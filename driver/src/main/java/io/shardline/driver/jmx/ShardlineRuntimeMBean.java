package io.shardline.driver.jmx;

/**
 * A running topology as a JMX MBean named {@code io.shardline:type=Shardline,name=<topology>}
 * (with {@code #2}, {@code #3}, ... appended when several runtimes of the same topology run in
 * one JVM). Each node has its own {@link ShardlineNodeMBean}.
 */
public interface ShardlineRuntimeMBean {

    /** The topology's source (file or name). */
    String getSource();

    /** True if no node is DOWN or BROKEN. */
    boolean isHealthy();

    /** The data source names of every node, shard by shard, primary first. */
    String[] getNodes();

    /** Synchronous commits that were not acknowledged within ackTimeout. */
    long getAckTimeouts();

    /** The status of every node, one line each (what {@code shardline status} prints). */
    String[] getStatus();
}
