package io.shardline.driver;

import io.shardline.replication.Resync;
import io.shardline.replication.Verification;
import io.shardline.driver.config.TopologyLoader;
import io.shardline.driver.jmx.ShardlineJmx;

import io.shardline.replication.apply.ReplicaApplier;
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
    /** Micrometer bindings made with {@link #bindTo}: removed on close. */
    private final List<AutoCloseable> meterBindings = new java.util.concurrent.CopyOnWriteArrayList<>();

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

    static ShardlineDataSource of(Topology topology, String url) throws SQLException {
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

    /**
     * A snapshot of every node: role, state, log position, lag (entries and seconds), apply rate,
     * log size, last error and routed statements. Only in-memory reads: cheap to poll.
     */
    public List<NodeStatus> status() {
        return RuntimeStatus.all(runtime);
    }

    /** The status of one node (primary or replica) by its data source name. */
    public NodeStatus nodeStatus(String name) {
        NodeStatus n = RuntimeStatus.node(runtime, name);
        if (n == null) throw new IllegalArgumentException("no node named '" + name + "'");
        return n;
    }

    /**
     * The JMX name of this data source's runtime MBean ({@code io.shardline:type=Shardline,name=...});
     * each node has an MBean {@code io.shardline:type=Node,name=...,shard=...,node=...}. Null if JMX
     * registration failed (it is logged).
     */
    public String mbeanName() {
        ShardlineJmx j = runtime.jmx();
        javax.management.ObjectName on = j == null ? null : j.runtimeName();
        return on == null ? null : on.toString();
    }

    /** {@link #status()} with the topology's name, the time and verdicts ({@link ShardlineStatus#healthy()}). */
    public ShardlineStatus statusReport() {
        return RuntimeStatus.report(runtime);
    }

    /**
     * Waits until every replica's applier has been to its replica (or failed to reach it) and the
     * log maintenance has measured every primary, so that {@link #status()} shows measured
     * positions, lag and states rather than start-up values. Useful right after start-up.
     *
     * @return true if that happened within the timeout
     */
    public boolean awaitStatus(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!RuntimeStatus.observed(runtime)) {
            if (System.nanoTime() - deadline >= 0) return false;
            Thread.sleep(20);
        }
        return true;
    }

    /**
     * Publishes {@link #status()} as Micrometer meters ({@code shardline.replication.lag},
     * {@code shardline.replication.applied}, ...; see {@code docs/operations.md}), tagged by shard,
     * node and role, plus {@code extraTags} (key, value, key, value, ...). Micrometer is an optional
     * dependency: the parameter is typed {@code Object} so that this class loads without it.
     * Equivalent to {@code new ShardlineMeterBinder(this, tags).bindTo(registry)}.
     *
     * @param meterRegistry an {@code io.micrometer.core.instrument.MeterRegistry}
     * @return a handle whose {@code close()} removes the meters again (they are also removed when
     *     this data source is closed)
     * @throws IllegalStateException if Micrometer is not on the classpath
     * @throws IllegalArgumentException if {@code meterRegistry} is not a {@code MeterRegistry}
     */
    public AutoCloseable bindTo(Object meterRegistry, String... extraTags) {
        try {
            Class.forName("io.micrometer.core.instrument.MeterRegistry", false, ShardlineDataSource.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("Micrometer (io.micrometer:micrometer-core) is not on the classpath", e);
        }
        AutoCloseable binding = io.shardline.driver.metrics.ShardlineMeterBinder.bind(this, meterRegistry, extraTags);
        meterBindings.add(binding);
        return binding;
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
        applyingApplier(name).pause();
    }

    /** Resumes applying to a replica paused by {@link #pauseReplica}. */
    public void unpauseReplica(String name) {
        applyingApplier(name).unpause();
    }

    /**
     * Lets a BROKEN replica retry the entry it halted at, after an operator fixed the cause (e.g.
     * removed a conflicting row on the replica).
     */
    public void resumeReplica(String name) {
        applyingApplier(name).resume();
    }

    /**
     * Operator decision, logged at WARN: skips the entry a BROKEN replica halted at and goes on.
     * The replica then lacks that entry's effect; prefer fixing the cause and
     * {@link #resumeReplica}.
     *
     * @return the skipped log position
     */
    public long skipBrokenEntry(String name) {
        return applyingApplier(name).skipBrokenEntry();
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

    /**
     * Compares every application table between each primary and its replicas by chunked
     * checksums over the primary key, while the application keeps writing; see
     * {@link io.shardline.replication.consistency.ConsistencyVerifier} for how rows changed by entries not yet
     * applied are kept out of the differences. Uses the default options and no progress output.
     */
    public io.shardline.replication.Verification.Report verify() throws SQLException {
        return verify(io.shardline.replication.Verification.Options.defaults(), null);
    }

    /**
     * Compares every application table between each primary and its replicas.
     *
     * @param progress told after each chunk of each table; may be null
     */
    public io.shardline.replication.Verification.Report verify(
            io.shardline.replication.Verification.Options options,
            java.util.function.Consumer<io.shardline.replication.Verification.Progress> progress) throws SQLException {
        long t0 = System.nanoTime();
        List<io.shardline.replication.Verification.ReplicaResult> all = new ArrayList<>();
        for (ShardlineRuntime.Shard s : runtime.shards) {
            List<io.shardline.replication.consistency.ConsistencyVerifier.Replica> targets = new ArrayList<>();
            for (ShardlineRuntime.Node r : s.replicas) {
                targets.add(new io.shardline.replication.consistency.ConsistencyVerifier.Replica(r.name, r.replicationPool, r.applier));
            }
            all.addAll(new io.shardline.replication.consistency.ConsistencyVerifier(s.name, s.primary.replicationPool, targets,
                    runtime.topology.replication().schema(), options).run(progress).replicas());
        }
        return new io.shardline.replication.Verification.Report(List.copyOf(all),
                Duration.ofNanos(System.nanoTime() - t0));
    }

    /**
     * Rebuilds the replica {@code replicaName} from a consistent snapshot of its primary taken at a
     * known log position, sets its watermark to that position and lets its applier continue from
     * there (a BROKEN state is cleared), while the application keeps writing. The copy and the new
     * watermark commit in one replica transaction; see {@link io.shardline.replication.consistency.ReplicaResync}.
     *
     * @param progress told after each copied chunk; may be null
     */
    public io.shardline.replication.Resync.Result resync(String replicaName,
            java.util.function.Consumer<io.shardline.replication.Resync.Progress> progress) throws SQLException {
        for (ShardlineRuntime.Shard s : runtime.shards) {
            for (ShardlineRuntime.Node r : s.replicas) {
                if (!r.name.equals(replicaName)) continue;
                return new io.shardline.replication.consistency.ReplicaResync(r.name, s.primary.replicationPool, r.replicationPool, r.applier,
                        runtime.topology.replication().schema(), 5_000).run(progress);
            }
        }
        throw new IllegalArgumentException("no replica named '" + replicaName + "'");
    }

    /** The applier of a replica for an operator action: only a runtime that applies has one to act on. */
    private ReplicaApplier applyingApplier(String name) {
        ReplicaApplier a = applier(name);
        if (a.isWatching()) {
            throw new IllegalStateException("replica '" + name + "' is applied by a replicator (replication.appliers: external):"
                    + " pause, resume or skip it there (shardline replicate's process, or ShardlineReplicator.dataSource())");
        }
        return a;
    }

    ReplicaApplier applier(String name) {
        for (ShardlineRuntime.Shard s : runtime.shards) {
            for (ShardlineRuntime.Node r : s.replicas) if (r.name.equals(name)) return r.applier;
        }
        throw new IllegalArgumentException("no replica named '" + name + "'");
    }

    /** Stops the appliers and closes every pool. */
    @Override
    public void close() {
        for (AutoCloseable b : meterBindings) {
            try {
                b.close();
            } catch (Exception ignored) {
                // removing meters does not fail
            }
        }
        meterBindings.clear();
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
