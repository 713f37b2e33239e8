package io.shardline.driver;

import io.shardline.replication.apply.LogMaintenance;
import io.shardline.replication.apply.ReplicaApplier;
import io.shardline.replication.ReplicaState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the status of a runtime's nodes from the appliers, the log maintenance and the routing
 * counters. Only in-memory reads: cheap enough to be polled (benchmarks, metrics, JMX).
 */
final class RuntimeStatus {

    private RuntimeStatus() {
    }

    /** Every node, shard by shard, primary first. */
    static List<NodeStatus> all(ShardlineRuntime runtime) {
        List<NodeStatus> out = new ArrayList<>();
        for (ShardlineRuntime.Shard s : runtime.shards) {
            out.add(primary(runtime, s));
            for (int i = 0; i < s.replicas.length; i++) out.add(replica(s, i));
        }
        return out;
    }

    /** One node by its data source name, or null. */
    static NodeStatus node(ShardlineRuntime runtime, String name) {
        for (ShardlineRuntime.Shard s : runtime.shards) {
            if (s.primary.name.equals(name)) return primary(runtime, s);
            for (int i = 0; i < s.replicas.length; i++) if (s.replicas[i].name.equals(name)) return replica(s, i);
        }
        return null;
    }

    static ShardlineStatus report(ShardlineRuntime runtime) {
        return new ShardlineStatus(runtime.topology.source(), Instant.now(), all(runtime), runtime.ackTimeouts.sum());
    }

    private static NodeStatus primary(ShardlineRuntime runtime, ShardlineRuntime.Shard s) {
        // the head seen by maintenance includes commits of other application instances
        LogMaintenance m = s.maintenance;
        long head = s.head();
        ShardlineRuntime.Node p = s.primary;
        long logEntries = m == null ? 0 : m.entries();
        String state = runtime.isClosed() ? "STOPPED" : m != null && m.primaryDown() ? "DOWN" : "HEALTHY";
        String error = m == null ? null : m.lastError();
        Instant errorAt = error == null ? null : Instant.ofEpochMilli(m.lastErrorAtMillis());
        return new NodeStatus(s.name, p.name, "primary", state, head, 0, p.reads.sum(), p.writes.sum(), error, logEntries,
                0, 0, 0, errorAt, 0);
    }

    private static NodeStatus replica(ShardlineRuntime.Shard s, int i) {
        ShardlineRuntime.Node r = s.replicas[i];
        ReplicaApplier a = r.applier;
        LogMaintenance m = s.maintenance;
        long applied = Math.max(0, a.appliedPosition());
        long lag = Math.max(0, s.head() - applied);
        double lagSeconds = lag == 0 || m == null ? 0 : m.lagMillis(i) / 1000.0;
        long errorAt = a.lastErrorAtMillis();
        ReplicaState state = a.state();
        return new NodeStatus(s.name, r.name, "replica", state.name(), applied, lag, r.reads.sum(), r.writes.sum(),
                a.lastError(), 0, lagSeconds, a.applyRate(), a.appliedEntries(),
                errorAt == 0 ? null : Instant.ofEpochMilli(errorAt), state == ReplicaState.BROKEN ? a.brokenPosition() : 0);
    }

    /**
     * True once every replica's applier has been to its replica (or failed to reach it) and every
     * shard's log maintenance has run, so that positions, lag and log size are measured.
     */
    static boolean observed(ShardlineRuntime runtime) {
        for (ShardlineRuntime.Shard s : runtime.shards) {
            LogMaintenance m = s.maintenance;
            if (m == null || m.lastRunAtMillis() == 0) return false;
            for (ShardlineRuntime.Node r : s.replicas) {
                ReplicaApplier a = r.applier;
                ReplicaState st = a.state();
                if (a.appliedPosition() < 0 && st != ReplicaState.DOWN && st != ReplicaState.BROKEN) return false;
            }
        }
        return true;
    }
}
