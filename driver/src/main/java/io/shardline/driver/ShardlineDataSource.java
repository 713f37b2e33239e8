package io.shardline.driver;

import io.shardline.replication.ReplicaApplier;
import io.shardline.replication.ReplicationListener;
import io.shardline.routing.Topology;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A {@link DataSource} over a Shardline topology: the form Spring Boot, Hibernate and Flyway take
 * when they are handed a data source rather than a URL. All its connections share one runtime,
 * which {@link #close()} shuts down.
 *
 * <pre>{@code
 * try (ShardlineDataSource ds = ShardlineDataSource.fromYaml(Path.of("topology.yaml"))) {
 *     try (Connection c = ds.getConnection()) { ... }
 * }
 * }</pre>
 */
public final class ShardlineDataSource implements DataSource, AutoCloseable {

    private final ShardlineRuntime runtime;
    private final String url;
    private final boolean ownsRuntime;
    private PrintWriter logWriter;
    private int loginTimeout;

    private ShardlineDataSource(ShardlineRuntime runtime, String url, boolean ownsRuntime) {
        this.runtime = runtime;
        this.url = url;
        this.ownsRuntime = ownsRuntime;
    }

    /** Starts a runtime for the topology YAML at {@code path}. */
    public static ShardlineDataSource fromYaml(Path path) throws SQLException {
        return of(TopologyLoader.load(path), ShardlineDriver.PREFIX + "file:" + path);
    }

    /**
     * Starts a runtime for a topology read from {@code yaml}.
     *
     * @param sourceName the name used in error messages (e.g. a file name)
     */
    public static ShardlineDataSource fromYaml(InputStream yaml, String sourceName) throws SQLException {
        return of(TopologyLoader.load(yaml, sourceName), ShardlineDriver.PREFIX + sourceName);
    }

    /** Starts a runtime for an already built topology. */
    public static ShardlineDataSource of(Topology topology) throws SQLException {
        return of(topology, ShardlineDriver.PREFIX + topology.source());
    }

    private static ShardlineDataSource of(Topology topology, String url) throws SQLException {
        return new ShardlineDataSource(ShardlineRuntime.start(url, topology, null), url, true);
    }

    /**
     * A data source sharing the runtime of a {@code jdbc:shardline:} URL with {@link ShardlineDriver}
     * (starting it if needed). Closing it closes that shared runtime.
     */
    public static ShardlineDataSource forUrl(String url) throws SQLException {
        if (url == null || !url.startsWith(ShardlineDriver.PREFIX)) {
            throw new SQLException("not a Shardline URL (expected " + ShardlineDriver.PREFIX + "...): " + url, "08001");
        }
        return new ShardlineDataSource(ShardlineDriver.runtime(url), url, true);
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (runtime.isClosed()) throw new SQLException("the Shardline data source is closed", "08003");
        return new ShardlineConnection(runtime, url);
    }

    /** Credentials come from the topology; these arguments are ignored. */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    /** The topology this data source runs. */
    public Topology topology() {
        return runtime.topology;
    }

    /** A snapshot of every node: role, state, log position, lag and routed statements. */
    public List<NodeStatus> status() {
        List<NodeStatus> out = new ArrayList<>();
        for (ShardlineRuntime.Shard s : runtime.shards) {
            // the head seen by maintenance includes commits of other application instances
            long head = Math.max(s.lastCommitted.get(), s.maintenance == null ? 0 : s.maintenance.head());
            ShardlineRuntime.Node p = s.primary;
            long logEntries = s.maintenance == null ? 0 : s.maintenance.entries();
            out.add(new NodeStatus(s.name, p.name, "primary", runtime.isClosed() ? "STOPPED" : "HEALTHY", head, 0,
                    p.reads.sum(), p.writes.sum(), null, logEntries));
            for (ShardlineRuntime.Node r : s.replicas) {
                ReplicaApplier a = r.applier;
                long applied = Math.max(0, a.appliedPosition());
                out.add(new NodeStatus(s.name, r.name, "replica", a.state().name(), applied, Math.max(0, head - applied),
                        r.reads.sum(), r.writes.sum(), a.lastError(), 0));
            }
        }
        return out;
    }

    /**
     * Waits until every replica has applied everything committed through this runtime so far.
     *
     * @return true if they all did within the timeout
     */
    public boolean awaitReplication(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ShardlineRuntime.Shard s : runtime.shards) {
            long head = s.lastCommitted.get();
            for (ShardlineRuntime.Node r : s.replicas) {
                long left = Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
                if (!r.applier.awaitApplied(head, left)) return false;
            }
        }
        return true;
    }

    /** Stops applying to a replica until {@link #unpauseReplica} (tests, maintenance). */
    public void pauseReplica(String name) {
        applier(name).pause();
    }

    /** Resumes applying to a replica paused by {@link #pauseReplica}. */
    public void unpauseReplica(String name) {
        applier(name).unpause();
    }

    /**
     * Lets a BROKEN replica retry the entry it halted at, after an operator fixed the cause (e.g.
     * removed a conflicting row on the replica).
     */
    public void resumeReplica(String name) {
        applier(name).resume();
    }

    /**
     * Operator decision, logged at WARN: skips the entry a BROKEN replica halted at and goes on.
     * The replica then lacks that entry's effect; prefer fixing the cause and
     * {@link #resumeReplica}.
     *
     * @return the skipped log position
     */
    public long skipBrokenEntry(String name) {
        return applier(name).skipBrokenEntry();
    }

    /**
     * Registers a listener for replication events (state changes, BROKEN replicas, lag over
     * {@code reads.maxLag}, sync timeouts, log over {@code replication.logAlertEntries}). Events
     * are also logged through SLF4J.
     */
    public void addListener(ReplicationListener listener) {
        runtime.listener().add(listener);
    }

    /** Unregisters a listener added with {@link #addListener}. */
    public void removeListener(ReplicationListener listener) {
        runtime.listener().remove(listener);
    }

    /** Synchronous commits that were not acknowledged within {@code ackTimeout} and degraded to async. */
    public long ackTimeouts() {
        return runtime.ackTimeouts.sum();
    }

    private ReplicaApplier applier(String name) {
        for (ShardlineRuntime.Shard s : runtime.shards) {
            for (ShardlineRuntime.Node r : s.replicas) if (r.name.equals(name)) return r.applier;
        }
        throw new IllegalArgumentException("no replica named '" + name + "'");
    }

    /** Stops the appliers and closes every pool. */
    @Override
    public void close() {
        if (ownsRuntime) runtime.close();
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        this.loginTimeout = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeout;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("Shardline logs through SLF4J", "0A000");
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) return (T) this;
        throw new SQLException("not a wrapper for " + iface.getName(), "HY000");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
