package io.shardline.driver;

import io.shardline.driver.config.PoolFactory;
import io.shardline.driver.jmx.ShardlineJmx;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shardline.replication.log.Dialect;
import io.shardline.replication.apply.LogMaintenance;
import io.shardline.replication.apply.ReplicaApplier;
import io.shardline.replication.ReplicaState;
import io.shardline.replication.log.ReplicationLog;
import io.shardline.routing.read.ReplicaBalancer;
import io.shardline.routing.shard.ShardRouter;
import io.shardline.routing.shard.SnowflakeIds;
import io.shardline.routing.sql.StatementAnalyzer;
import io.shardline.routing.Topology;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that lives as long as a topology is in use: the pools, the SQL analysis cache and
 * one applier thread per replica. All connections opened for the same URL (or from the same
 * {@link ShardlineDataSource}) share one runtime; opening a connection never builds pools or
 * starts threads.
 */
final class ShardlineRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardlineRuntime.class);

    /**
     * One physical database and the counters of what was routed to it. Two pools: {@code pool} for
     * application traffic (sized by the topology's {@code pool:} settings) and
     * {@code replicationPool}, a few connections of its own for the appliers, log maintenance,
     * verify and resync, so that application traffic holding every connection of {@code pool}
     * (an outer pool's idle connections, long transactions) never stops replication.
     */
    static final class Node {
        final String name;
        final HikariDataSource pool;
        final HikariDataSource replicationPool;
        final int weight;
        final LongAdder reads = new LongAdder();
        final LongAdder writes = new LongAdder();
        ReplicaApplier applier; // replicas only
        /** Reads skip this replica until then (System.nanoTime), after a failed read. */
        volatile long ejectedUntilNanos;
        final AtomicInteger readFailures = new AtomicInteger();

        /** A read on this replica failed with a connection error: keep reads away for a while. */
        void eject(long initialBackoffMillis, long maxBackoffMillis) {
            int f = Math.min(readFailures.incrementAndGet(), 20);
            long backoff = Math.min(maxBackoffMillis, initialBackoffMillis << (f - 1));
            ejectedUntilNanos = System.nanoTime() + backoff * 1_000_000L;
        }

        /** A read succeeded: the replica is healthy again. */
        void readSucceeded() {
            if (readFailures.get() != 0) {
                readFailures.set(0);
                ejectedUntilNanos = 0;
            }
        }

        /**
         * A replica on another engine than its primary (a PostgreSQL replica of a MariaDB primary):
         * it is replicated to, but serves none of the application's reads, whose SQL is written for
         * the primary's engine.
         */
        boolean foreignEngine;
        /** This node's engine as its URL names it (null if the URL does not tell). */
        Dialect engine;

        Node(String name, HikariDataSource pool, HikariDataSource replicationPool, int weight) {
            this.name = name;
            this.pool = pool;
            this.replicationPool = replicationPool;
            this.weight = weight;
        }
    }

    /** A primary, its replicas and the state shared by every connection that uses them. */
    static final class Shard {
        final int index;
        final String name;
        final Node primary;
        final Node[] replicas;
        final ReplicationLog log;
        final Dialect dialect;
        /** Highest position committed through this runtime. */
        final AtomicLong lastCommitted = new AtomicLong();
        /**
         * Position of the last DDL committed through this runtime: a replica that has not applied
         * it has a different schema, so it serves no reads until it has.
         */
        volatile long ddlBarrier;
        final ReplicaBalancer balancer;
        volatile LogMaintenance maintenance;
        /** Keeps this process's writes off tables a DDL is reshaping until their capture is back. */
        final SchemaFence fence = new SchemaFence();
        /** The primary's change capture, installed again after every DDL that runs through Shardline. */
        final io.shardline.replication.log.ChangeCapture capture;

        /** The engines of this shard's replicas that are not the primary's: DDL must translate to each. */
        final java.util.Set<Dialect> foreignEngines = java.util.EnumSet.noneOf(Dialect.class);

        Shard(int index, String name, Node primary, Node[] replicas, ReplicationLog log, Dialect dialect,
              ReplicaBalancer balancer) {
            this.balancer = balancer;
            this.index = index;
            this.name = name;
            this.primary = primary;
            this.replicas = replicas;
            this.log = log;
            this.dialect = dialect;
            this.capture = io.shardline.replication.log.ChangeCapture.forLog(log);
            for (Node r : replicas) if (r.foreignEngine) foreignEngines.add(r.engine);
        }

        /** The newest log position known for this shard (this process's commits, or any process's as seen by maintenance). */
        long head() {
            long h = lastCommitted.get();
            LogMaintenance m = maintenance;
            return m == null ? h : Math.max(h, m.head());
        }

        void committed(long position, boolean ddl) {
            lastCommitted.accumulateAndGet(position, Math::max);
            if (ddl) ddlBarrier = Math.max(ddlBarrier, position);
            for (Node r : replicas) r.applier.wake();
        }

        /**
         * Sync mode: waits until {@code required} replicas have applied {@code position}, at most
         * {@code timeoutMillis}.
         *
         * @return how many had applied it when the wait ended
         */
        int awaitAcks(long position, int required, long timeoutMillis) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                int acked = 0;
                for (Node r : replicas) if (r.applier.appliedPosition() >= position) acked++;
                if (acked >= required) return acked;
                long left = deadline - System.nanoTime();
                if (left <= 0) return acked;
                // wait on the first replica still missing it; the others are re-counted afterwards
                for (Node r : replicas) {
                    if (r.applier.appliedPosition() < position) {
                        r.applier.awaitApplied(position, Math.max(1, left / 1_000_000L));
                        break;
                    }
                }
            }
        }
    }

    final String key;
    final Topology topology;
    /** Read settings, unpacked once: they are consulted on every read. */
    final boolean primaryReads;
    final boolean eventualReads;
    /** {@code reads.scope: instance}: read-your-writes covers every commit of this runtime. */
    final boolean instanceScope;
    final long maxLagMillis;
    final long ejectInitialMillis;
    final long ejectMaxMillis;
    final StatementAnalyzer analyzer = new StatementAnalyzer();
    /** Decides which shards a statement goes to (trivially the default shard with one shard). */
    final ShardRouter router;
    /** Sharded tables whose key column Shardline fills on insert (snowflake), by lower-cased name. */
    final Map<String, Topology.TableRule> keyGenerated;
    final SnowflakeIds snowflake;
    /** More than one shard: statements are routed by {@link #router}. */
    final boolean sharded;
    /** Whether the per-shard queries of a cross-shard read run in parallel (see the constructor). */
    final boolean parallelScatter;
    /** Runs the per-shard queries of a cross-shard read in parallel (daemon threads, grown on demand). */
    final java.util.concurrent.ExecutorService scatter;
    final List<Shard> shards;
    final Shard defaultShard;
    private final List<HikariDataSource> pools = new ArrayList<>();
    /** Identity column and non-deterministic defaults per table, read once from the primary's metadata. */
    private final Map<String, TableColumns> tableColumns = new ConcurrentHashMap<>();
    private final Runnable onClose;
    private final ListenerChain listener = new ListenerChain();
    /** Synchronous commits that were not acknowledged within ackTimeout (degraded to async). */
    final LongAdder ackTimeouts = new LongAdder();
    private final ScheduledExecutorService maintenance;
    private final ScheduledExecutorService heartbeat;
    private volatile boolean closed;

    /**
     * Runtimes not closed yet. A runtime the application never closes — the common case with
     * {@code DriverManager} and a pool over the URL — still drains at JVM exit: one shutdown hook
     * lets the replicas of each reach its newest commit (bounded, {@link #drain}). It only waits;
     * it closes nothing, so the application's own shutdown (which may still write) is undisturbed.
     */
    private static final java.util.Set<ShardlineRuntime> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (ShardlineRuntime rt : LIVE) {
                if (!rt.closed) rt.drain();
            }
        }, "shardline-exit-drain"));
    }
    /** The status MBeans, unregistered on close. */
    private volatile ShardlineJmx jmx;

    private ShardlineRuntime(String key, Topology topology, Runnable onClose) {
        this.key = key;
        this.topology = topology;
        this.router = new ShardRouter(topology);
        Map<String, Topology.TableRule> kg = new java.util.HashMap<>();
        for (Topology.TableRule r : topology.tables().values()) {
            if (r.keyGeneratorType() != null) kg.put(r.table().toLowerCase(Locale.ROOT), r);
        }
        this.keyGenerated = Map.copyOf(kg);
        this.sharded = router.isSharded();
        // Scatter in parallel when a shard is a server: the queries then overlap their network and
        // server time. Embedded databases run in this JVM's threads, where a handoff to another
        // thread costs more than the query itself, so their shards are queried one after the other.
        boolean remote = false;
        for (Topology.DataSourceConfig ds : topology.dataSources().values()) {
            String u = ds.url().toLowerCase(Locale.ROOT);
            if (!(u.startsWith("jdbc:h2:mem:") || u.startsWith("jdbc:h2:file:") || u.startsWith("jdbc:h2:./")
                    || u.startsWith("jdbc:h2:~") || u.startsWith("jdbc:h2:/"))) {
                remote = true;
            }
        }
        this.parallelScatter = remote;
        this.snowflake = kg.isEmpty() ? null : new SnowflakeIds(SnowflakeIds.configuredWorkerId());
        this.scatter = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "shardline-scatter");
            t.setDaemon(true);
            return t;
        });
        this.primaryReads = "primary".equals(topology.reads().consistency());
        this.eventualReads = "eventual".equals(topology.reads().consistency());
        this.instanceScope = "instance".equals(topology.reads().scope());
        this.maxLagMillis = topology.reads().maxLag().toMillis();
        this.ejectInitialMillis = Math.max(1, topology.replication().initialBackoff().toMillis());
        this.ejectMaxMillis = Math.max(ejectInitialMillis, topology.replication().maxBackoff().toMillis());
        this.onClose = onClose;
        this.shards = new ArrayList<>();
        try {
            for (Topology.ShardConfig sc : topology.shards()) shards.add(buildShard(sc));
        } catch (SQLException | RuntimeException e) {
            closePools();
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
        Shard def = shards.get(0);
        for (Shard s : shards) if (s.name.equals(topology.defaultShard())) def = s;
        this.defaultShard = def;
        boolean applying = topology.replication().embeddedAppliers();
        for (Shard s : shards) {
            for (Node r : s.replicas) {
                if (applying) r.applier.start();
                else r.applier.startWatching(); // a shardline replicate process applies
            }
        }
        maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "shardline-maintenance");
            t.setDaemon(true);
            return t;
        });
        // its own thread: a slow maintenance round must not make a live DDL look orphaned
        heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "shardline-ddl-heartbeat");
            t.setDaemon(true);
            return t;
        });
        for (Shard s : shards) {
            List<ReplicaApplier> appliers = new ArrayList<>();
            for (Node r : s.replicas) appliers.add(r.applier);
            s.maintenance = new LogMaintenance(s.name, s.primary.replicationPool, s.log, appliers,
                    topology.replication().logAlertEntries(), topology.reads().maxLag().toMillis(), listener);
            maintenance.scheduleWithFixedDelay(s.maintenance::run, 1, 1, TimeUnit.SECONDS);
            heartbeat.scheduleWithFixedDelay(s.maintenance::heartbeat, 250, 250, TimeUnit.MILLISECONDS);
        }
        jmx = ShardlineJmx.register(new ShardlineJmx.Source() {
            @Override
            public String source() {
                return topology.source();
            }

            @Override
            public ShardlineStatus report() {
                return RuntimeStatus.report(ShardlineRuntime.this);
            }

            @Override
            public NodeStatus node(String name) {
                return RuntimeStatus.node(ShardlineRuntime.this, name);
            }

            @Override
            public long ackTimeouts() {
                return ackTimeouts.sum();
            }
        });
    }

    /** This runtime's JMX registration (status MBeans), or null before it completed. */
    ShardlineJmx jmx() {
        return jmx;
    }

    /** Told about replication events (state changes, BROKEN replicas, lag, sync timeouts). */
    ListenerChain listener() {
        return listener;
    }

    /**
     * Builds and starts a runtime: pools to every node, the log tables on every primary, one
     * applier per replica. A primary that cannot be reached fails the start; a replica that cannot
     * be reached is retried in the background.
     */
    static ShardlineRuntime start(String key, Topology topology, Runnable onClose) throws SQLException {
        try {
            ShardlineRuntime rt = new ShardlineRuntime(key, topology, onClose);
            LIVE.add(rt);
            return rt;
        } catch (IllegalStateException e) {
            if (e.getCause() instanceof SQLException s) throw s;
            throw e;
        }
    }

    private Shard buildShard(Topology.ShardConfig sc) throws SQLException {
        Topology.DataSourceConfig pc = topology.dataSource(sc.primary());
        // the primary's replication connections: one per applier reading the log, one for log
        // maintenance, one for a running DDL's heartbeat, one for verify/resync
        Node primary = new Node(pc.name(), primaryPool(pc), replicationPool(pc, sc.replicas().size() + 3), 1);
        ReplicationLog log;
        Dialect dialect;
        try (Connection c = primary.pool.getConnection()) {
            c.setAutoCommit(true);
            log = ReplicationLog.forNode(c, topology.replication().schema());
            log.installPrimary(c);
            dialect = log.dialect();
        } catch (SQLException e) {
            throw new SQLException("Shardline could not prepare primary '" + pc.name() + "' of shard '" + sc.name()
                    + "': " + e.getMessage(), e.getSQLState() == null ? "08001" : e.getSQLState(), e);
        }
        Node[] replicas = new Node[sc.replicas().size()];
        Topology.ReplicationConfig rc = topology.replication();
        for (int i = 0; i < replicas.length; i++) {
            Topology.ReplicaConfig r = sc.replicas().get(i);
            Topology.DataSourceConfig ds = topology.dataSource(r.dataSource());
            // a replica's: its applier's (one per lane), and one for verify/resync
            Node n = new Node(ds.name(), pool(ds, false), replicationPool(ds, rc.applyThreads() + 1), r.weight());
            n.engine = Dialect.ofUrl(ds.url());
            n.foreignEngine = n.engine != null && n.engine != dialect;
            n.applier = new ReplicaApplier(ds.name(), primary.replicationPool, n.replicationPool, rc.schema(), rc.batchSize(),
                    rc.initialBackoff(), rc.maxBackoff(), analyzer, rc.applyInterval(), listener, rc.applyThreads());
            replicas[i] = n;
        }
        refuseUntranslatableTables(sc, primary, log, dialect, replicas);
        return new Shard(sc.index(), sc.name(), primary, replicas, log, dialect,
                ReplicaBalancer.named(topology.reads().balancer()));
    }

    /**
     * A replica on another engine must be able to take every table of its primary: one it lacks and
     * could not be given (a {@code JSON} column for a MySQL primary's PostgreSQL replica, say) is
     * refused now, all such tables at once, rather than halting that replica at its first row. A
     * replica that cannot be reached now is checked by its applier instead (it halts BROKEN naming
     * the table).
     */
    private static void refuseUntranslatableTables(Topology.ShardConfig sc, Node primary, ReplicationLog log, Dialect dialect,
                                                   Node[] replicas) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (Node r : replicas) {
            if (!r.foreignEngine) continue;
            try (Connection p = primary.pool.getConnection(); Connection c = r.pool.getConnection()) {
                for (String problem : io.shardline.replication.consistency.SchemaCopy.untranslatable(p, dialect, log.schema(), c,
                        r.engine)) {
                    problems.add("replica '" + r.name + "' (" + r.engine + "): " + problem);
                }
            } catch (java.sql.SQLTransientConnectionException e) {
                LOG.warn("Shard '{}': replica '{}' on another engine than its primary is unreachable; its tables are checked"
                        + " when its applier reaches it", sc.name(), r.name);
            }
        }
        if (!problems.isEmpty()) {
            throw new java.sql.SQLFeatureNotSupportedException("Shardline cannot replicate shard '" + sc.name()
                    + "' to its replicas on another engine: " + String.join("; ", problems), "0A000");
        }
    }

    private HikariDataSource pool(Topology.DataSourceConfig ds, boolean failFast) throws SQLException {
        return start(ds, PoolFactory.config(ds, ds.name()), failFast);
    }

    /**
     * A primary's application pool. Its connections have auto-commit off by default: Shardline runs
     * every auto-commit write as a transaction of its own (to seal it), and a logical connection
     * gives its physical one back whenever it is idle (see {@code ShardlineConnection}), so a
     * connection that comes and goes in that mode costs no {@code SET autocommit} round trips.
     */
    private HikariDataSource primaryPool(Topology.DataSourceConfig ds) throws SQLException {
        HikariConfig cfg = PoolFactory.config(ds, ds.name());
        if (!ds.pool().containsKey("autoCommit")) cfg.setAutoCommit(false);
        return start(ds, cfg, true);
    }

    /**
     * The node's replication pool: the node's settings (URL, credentials, driver properties,
     * timeouts), its own name ({@code shardline-<node>-replication}) and size; no idle connection
     * is kept beyond one.
     */
    private HikariDataSource replicationPool(Topology.DataSourceConfig ds, int size) throws SQLException {
        HikariConfig cfg = PoolFactory.config(ds, ds.name() + "-replication");
        if (ds.url().startsWith("jdbc:mysql:") && !ds.pool().containsKey("dataSource.rewriteBatchedStatements")) {
            // the appliers' batches of upserts and deletes travel as multi-row statements
            cfg.addDataSourceProperty("rewriteBatchedStatements", "true");
        }
        cfg.setMaximumPoolSize(size);
        cfg.setMinimumIdle(1);
        return start(ds, cfg, false);
    }

    private HikariDataSource start(Topology.DataSourceConfig ds, HikariConfig cfg, boolean failFast) throws SQLException {
        if (!failFast) {
            // a replica that is down at start-up must not stop the application: its applier retries
            cfg.setInitializationFailTimeout(-1);
            if (!ds.pool().containsKey("connectionTimeout")) cfg.setConnectionTimeout(2000);
        }
        try {
            HikariDataSource p = new HikariDataSource(cfg);
            pools.add(p);
            return p;
        } catch (RuntimeException e) {
            String msg = e.getMessage();
            Throwable c = e.getCause();
            if (c != null && c.getMessage() != null) msg = msg + ": " + c.getMessage();
            throw new SQLException("Shardline could not connect to data source '" + ds.name() + "' (" + ds.url() + "): "
                    + redact(msg, ds.password()), "08001", e);
        }
    }

    static String redact(String message, String password) {
        if (message == null || password == null || password.isEmpty()) return message;
        return message.replace(password, "******");
    }

    /**
     * The identity column of {@code table} on the shard's primary, if it has one.
     */
    String identityColumn(Connection primary, String table) throws SQLException {
        return tableColumns(primary, table).identity();
    }

    /** What inserts need to know about a table's columns, read once from the primary (cached; dropped on DDL). */
    private TableColumns tableColumns(Connection primary, String table) throws SQLException {
        String key = table.toLowerCase(Locale.ROOT);
        TableColumns t = tableColumns.get(key);
        if (t == null) {
            t = TableColumns.read(primary, table);
            tableColumns.put(key, t);
        }
        return t;
    }

    void schemaChanged() {
        tableColumns.clear();
    }

    boolean isClosed() {
        return closed;
    }

    private void closePools() {
        for (HikariDataSource p : pools) {
            try {
                p.close();
            } catch (RuntimeException e) {
                LOG.warn("closing pool {} failed: {}", p.getPoolName(), e.toString());
            }
        }
    }

    /**
     * Before the appliers stop: lets every replica that is applying (HEALTHY or CATCHING_UP, not
     * paused) reach the newest position this process committed, for at most
     * {@code shardline.closeDrainMillis} (system property, default 5,000 ms) in all. A short-lived
     * process (a batch job, a CLI run, a deploy) thus leaves its replicas current instead of stale
     * until some other instance starts; a replica that is DOWN or BROKEN is not waited for.
     */
    private void drain() {
        if (!topology.replication().embeddedAppliers()) return; // the replicator applies, whenever this process ends
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.getLong("shardline.closeDrainMillis", 5_000L));
        for (Shard s : shards) {
            long head = s.lastCommitted.get();
            for (Node r : s.replicas) {
                ReplicaState st = r.applier.state();
                if (r.applier.isPaused()
                        || (st != ReplicaState.HEALTHY && st != ReplicaState.CATCHING_UP)) {
                    continue;
                }
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) return;
                try {
                    r.applier.wake();
                    if (!r.applier.awaitApplied(head, left)) {
                        LOG.warn("Closing: replica {} of shard {} is still behind position {} after the drain bound", r.name, s.name, head);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Lets the replicas catch up (bounded, {@link #drain()}), stops the appliers and closes every pool. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        LIVE.remove(this);
        if (jmx != null) jmx.unregister();
        drain();
        if (maintenance != null) maintenance.shutdownNow();
        if (heartbeat != null) heartbeat.shutdownNow();
        scatter.shutdownNow();
        for (Shard s : shards) for (Node r : s.replicas) r.applier.close();
        closePools();
        if (onClose != null) onClose.run();
    }
}
