package io.shardline.spring.actuate;

import io.shardline.driver.NodeStatus;
import io.shardline.driver.ShardlineDataSource;
import io.shardline.driver.ShardlineStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * The health of a Shardline topology, from {@link ShardlineDataSource#statusReport()} (in-memory
 * figures only: no query is sent to any node).
 *
 * <ul>
 *   <li>{@code UP}: every node HEALTHY or CATCHING_UP;</li>
 *   <li>{@code DOWN}: a primary is DOWN (its log maintenance cannot reach it);</li>
 *   <li>the replica failure status ({@code DOWN} unless configured otherwise,
 *       {@code shardline.health.replica-failure-status}): a replica is DOWN (unreachable, retried)
 *       or BROKEN (halted at an entry it cannot apply: needs an operator);</li>
 *   <li>{@code OUT_OF_SERVICE}: the runtime is closed (nodes STOPPED).</li>
 * </ul>
 *
 * <p>Details: {@code topology} (its source name), {@code ackTimeouts}, and {@code nodes}: per node
 * its shard, role, state, position (a primary's head, a replica's watermark), lag in entries and
 * seconds, and for a failing node its last error and, if BROKEN, the position it halted at.
 * Never a URL, user name or password.
 */
public class ShardlineHealthIndicator extends AbstractHealthIndicator {

    /** Last errors are cut to this many characters (they may quote a statement). */
    static final int MAX_ERROR_LENGTH = 300;

    private final ShardlineDataSource dataSource;
    private final Status replicaFailureStatus;

    /** An indicator whose replica failures report {@link Status#DOWN}. */
    public ShardlineHealthIndicator(ShardlineDataSource dataSource) {
        this(dataSource, Status.DOWN);
    }

    public ShardlineHealthIndicator(ShardlineDataSource dataSource, Status replicaFailureStatus) {
        super("Shardline health check failed");
        this.dataSource = dataSource;
        this.replicaFailureStatus = replicaFailureStatus;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        ShardlineStatus report = dataSource.statusReport();
        boolean primaryDown = false;
        boolean replicaFailing = false;
        boolean stopped = false;
        Map<String, Object> nodes = new LinkedHashMap<>();
        for (NodeStatus n : report.nodes()) {
            switch (n.state()) {
                case "DOWN", "BROKEN" -> {
                    if (n.isPrimary()) primaryDown = true;
                    else replicaFailing = true;
                }
                case "STOPPED" -> stopped = true;
                default -> {
                    // HEALTHY, CATCHING_UP, PAUSED (an operator's choice)
                }
            }
            nodes.put(n.node(), details(n));
        }
        Status status = stopped ? Status.OUT_OF_SERVICE
                : primaryDown ? Status.DOWN
                : replicaFailing ? replicaFailureStatus
                : Status.UP;
        builder.status(status)
                .withDetail("topology", report.source())
                .withDetail("ackTimeouts", report.ackTimeouts())
                .withDetail("nodes", nodes);
    }

    private static Map<String, Object> details(NodeStatus n) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("shard", n.shard());
        d.put("role", n.role());
        d.put("state", n.state());
        d.put("position", n.position());
        if (!n.isPrimary()) {
            d.put("lagEntries", n.lagEntries());
            d.put("lagSeconds", n.lagSeconds());
        }
        if (n.lastError() != null && (n.needsAttention() || !"HEALTHY".equals(n.state()))) {
            String e = n.lastError();
            d.put("lastError", e.length() > MAX_ERROR_LENGTH ? e.substring(0, MAX_ERROR_LENGTH) + "..." : e);
            if (n.lastErrorAt() != null) d.put("lastErrorAt", n.lastErrorAt().toString());
        }
        if ("BROKEN".equals(n.state())) d.put("brokenPosition", n.brokenPosition());
        return d;
    }
}
