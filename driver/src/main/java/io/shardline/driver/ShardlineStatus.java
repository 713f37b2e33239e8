package io.shardline.driver;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of every node of a running topology ({@link ShardlineDataSource#statusReport()}),
 * with the verdicts a health check needs. Never contains credentials.
 *
 * @param source      the topology's source (file name or the name it was loaded under)
 * @param takenAt     when the snapshot was taken
 * @param nodes       every node, shard by shard, primary first
 * @param ackTimeouts synchronous commits of this runtime that were not acknowledged in time
 */
public record ShardlineStatus(String source, Instant takenAt, List<NodeStatus> nodes, long ackTimeouts) {

    public ShardlineStatus {
        nodes = List.copyOf(nodes);
    }

    /** True if no node is DOWN or BROKEN (HEALTHY and CATCHING_UP are both fine). */
    public boolean healthy() {
        return !anyDown() && !anyBroken();
    }

    /** True if some node is DOWN (unreachable; retried with backoff). */
    public boolean anyDown() {
        return nodes.stream().anyMatch(n -> "DOWN".equals(n.state()));
    }

    /** True if some replica is BROKEN (halted at an entry; needs an operator). */
    public boolean anyBroken() {
        return nodes.stream().anyMatch(n -> "BROKEN".equals(n.state()));
    }

    /** The node named {@code name}, if the topology has one. */
    public Optional<NodeStatus> node(String name) {
        return nodes.stream().filter(n -> n.node().equals(name)).findFirst();
    }

    /** The replicas only. */
    public List<NodeStatus> replicas() {
        return nodes.stream().filter(n -> !n.isPrimary()).toList();
    }
}
