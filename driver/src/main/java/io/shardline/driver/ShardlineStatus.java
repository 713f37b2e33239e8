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

    /**
     * The snapshot as a JSON object (for {@code /health}, {@code status --json} and scripts):
     * {@code source}, {@code takenAt}, {@code healthy}, {@code ackTimeouts} and {@code nodes}, one
     * object per node with the fields of {@link NodeStatus} (null where a value is unknown).
     */
    public String toJson() {
        StringBuilder b = new StringBuilder(256 + 256 * nodes.size());
        b.append("{\"source\":").append(json(source)).append(",\"takenAt\":").append(json(takenAt.toString()))
                .append(",\"healthy\":").append(healthy()).append(",\"ackTimeouts\":").append(ackTimeouts)
                .append(",\"nodes\":[");
        for (int i = 0; i < nodes.size(); i++) {
            NodeStatus n = nodes.get(i);
            if (i > 0) b.append(',');
            b.append("{\"shard\":").append(json(n.shard())).append(",\"node\":").append(json(n.node()))
                    .append(",\"role\":").append(json(n.role())).append(",\"state\":").append(json(n.state()))
                    .append(",\"position\":").append(n.position()).append(",\"lagEntries\":").append(n.lagEntries())
                    .append(",\"lagSeconds\":").append(finite(n.lagSeconds())).append(",\"applyRate\":")
                    .append(finite(n.applyRate())).append(",\"appliedEntries\":").append(n.appliedEntries())
                    .append(",\"reads\":").append(n.reads()).append(",\"writes\":").append(n.writes())
                    .append(",\"logEntries\":").append(n.logEntries()).append(",\"brokenPosition\":")
                    .append(n.brokenPosition()).append(",\"lastError\":").append(json(n.lastError()))
                    .append(",\"lastErrorAt\":").append(json(n.lastErrorAt() == null ? null : n.lastErrorAt().toString()))
                    .append('}');
        }
        return b.append("]}").toString();
    }

    private static String finite(double d) {
        return Double.isFinite(d) ? Double.toString(d) : "null";
    }

    private static String json(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
