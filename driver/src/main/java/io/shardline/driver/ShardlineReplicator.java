package io.shardline.driver;

import io.shardline.driver.config.TopologyLoader;
import io.shardline.routing.Topology;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

/**
 * Replication without an application: applies a topology's log to its replicas, prunes the log
 * and watches lag for as long as it runs — what {@code shardline replicate} runs, embeddable in a
 * service of one's own.
 *
 * <p>Why it exists: appliers embedded in application processes move the replicas only while some
 * application runs; a batch job that exits, or a deploy that stops every instance, would leave
 * them behind. A replicator keeps them current whatever the applications do. It applies whatever
 * the topology's {@code replication.appliers} says; applications set {@code appliers: external}
 * to leave applying to it (they then only watch the replicas' positions for their reads), or keep
 * {@code embedded} and run alongside it: every applier of a replica takes the replica's watermark
 * lock for a round, so at most one applies at a time and the others wait their turn (see
 * docs/operations.md).
 *
 * <p>Operator actions ({@code resumeReplica}, {@code skipBrokenEntry}, verify, resync) go through
 * {@link #dataSource()}.
 */
public final class ShardlineReplicator implements AutoCloseable {

    private final ShardlineDataSource dataSource;

    private ShardlineReplicator(ShardlineDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Starts replicating the topology in the YAML file at {@code path}. */
    public static ShardlineReplicator start(Path path) throws SQLException {
        Topology t = TopologyLoader.load(path);
        return new ShardlineReplicator(ShardlineDataSource.of(t.withReplication(t.replication().withAppliers("embedded")),
                ShardlineDriver.PREFIX + "file:" + path));
    }

    /** Starts replicating {@code topology}. */
    public static ShardlineReplicator start(Topology topology) throws SQLException {
        return new ShardlineReplicator(ShardlineDataSource.of(topology.withReplication(
                topology.replication().withAppliers("embedded"))));
    }

    /** The data source of the replicator's runtime: status, listeners, metrics, operator actions. */
    public ShardlineDataSource dataSource() {
        return dataSource;
    }

    /** Every node's state now. */
    public ShardlineStatus status() {
        return dataSource.statusReport();
    }

    /**
     * True when every replica is HEALTHY, or CATCHING_UP or PAUSED no further behind than
     * {@code reads.maxLag} (a replica still fit for reads), and no node is DOWN or BROKEN.
     */
    public boolean healthy() {
        return healthy(status(), dataSource.topology().reads().maxLag().toMillis() / 1000.0);
    }

    static boolean healthy(ShardlineStatus status, double maxLagSeconds) {
        if (!status.healthy()) return false;
        List<NodeStatus> replicas = status.replicas();
        for (NodeStatus r : replicas) {
            if ("HEALTHY".equals(r.state())) continue;
            boolean behind = "CATCHING_UP".equals(r.state()) || "PAUSED".equals(r.state());
            if (!behind || r.lagSeconds() > maxLagSeconds) return false;
        }
        return true;
    }

    /** Stops applying (after the replicas had a bounded moment to catch up) and closes every connection. */
    @Override
    public void close() {
        dataSource.close();
    }
}
