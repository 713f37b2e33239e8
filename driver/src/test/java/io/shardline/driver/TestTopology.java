package io.shardline.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A throw-away Shardline topology for a test: fresh physical databases on one {@link Engine}, the
 * topology YAML over them, the {@link ShardlineDataSource}, direct access to every node for
 * assertions, and fault injection ({@link #takeDown}). {@link #close()} closes the data source
 * (and the URL's runtime), then drops every database it created and deletes its files.
 *
 * <pre>
 * try (TestTopology t = TestTopology.on(engine).replicas(2).retry("20ms", "200ms").build()) {
 *     try (Connection c = t.dataSource().getConnection()) { ... }
 *     try (Connection r = t.replica(0)) { ... }   // the physical replica-0, not through Shardline
 * }
 * </pre>
 *
 * <p>Node names: with one shard {@code primary} and {@code replica-0}, {@code replica-1}, ... (or
 * the names given to {@link Builder#replicas(String...)}); with several shards
 * {@code s<k>-primary} and {@code s<k>-replica-<i>}. Shards are named {@code s0}, {@code s1}, ...
 */
public final class TestTopology implements AutoCloseable {

    private static final AtomicInteger SEQ = new AtomicInteger();

    private final Engine engine;
    private final String id;
    private final Path dir;
    private final boolean ownDir;
    private final Path yaml;
    private final String url;
    private final List<List<String>> shards; // per shard: primary, then replicas
    private final Map<String, Engine.Node> nodes;
    private final List<AutoCloseable> closeFirst = new ArrayList<>();
    private ShardlineDataSource dataSource;

    private TestTopology(Builder b, Path dir, boolean ownDir, List<List<String>> shards, Map<String, Engine.Node> nodes)
            throws IOException {
        this.engine = b.engine;
        this.id = b.id;
        this.dir = dir;
        this.ownDir = ownDir;
        this.shards = shards;
        this.nodes = nodes;
        this.yaml = dir.resolve(id + ".yaml");
        Files.writeString(yaml, b.topologyYaml(shards, nodes));
        this.url = ShardlineDriver.PREFIX + "file:" + yaml;
    }

    /** Starts describing a topology whose nodes run on {@code engine}. */
    public static Builder on(Engine engine) {
        return new Builder(engine);
    }

    public Engine engine() {
        return engine;
    }

    /** Unique per topology in this JVM run; part of every database name and of the YAML file name. */
    public String id() {
        return id;
    }

    /** The topology file. */
    public Path yaml() {
        return yaml;
    }

    /** Its {@code jdbc:shardline:file:} URL. */
    public String url() {
        return url;
    }

    /** The data source sharing the URL's runtime with {@link java.sql.DriverManager} (created on first use, closed by {@link #close()}). */
    public synchronized ShardlineDataSource dataSource() throws SQLException {
        if (dataSource == null) dataSource = ShardlineDataSource.forUrl(url);
        return dataSource;
    }

    /** Every node's name: per shard, the primary then its replicas. */
    public List<String> nodes() {
        return List.copyOf(nodes.keySet());
    }

    /** The name of shard {@code shard}'s primary. */
    public String primaryName(int shard) {
        return shards.get(shard).get(0);
    }

    /** The name of replica {@code i} of shard {@code shard}. */
    public String replicaName(int shard, int i) {
        return shards.get(shard).get(i + 1);
    }

    /** A plain JDBC connection to the physical database of {@code node}, bypassing Shardline. */
    public Connection direct(String node) throws SQLException {
        return node(node).direct();
    }

    /** {@link #direct} to the primary of the first shard. */
    public Connection primary() throws SQLException {
        return direct(primaryName(0));
    }

    /** {@link #direct} to replica {@code i} of the first shard. */
    public Connection replica(int i) throws SQLException {
        return direct(replicaName(0, i));
    }

    /** The qualified name of Shardline's table {@code table} ({@code commits}, {@code changes}, {@code watermark}) on {@code node}. */
    public String shardlineTable(String node, String table) throws SQLException {
        try (Connection c = direct(node)) {
            return engine.shardlineTable(c, table);
        }
    }

    /** Makes an {@linkplain Builder#interruptible interruptible} node unreachable: connections cut, new ones refused. */
    public void takeDown(String node) throws Exception {
        node(node).takeDown();
    }

    /** Makes a node taken down reachable again, with its data. */
    public void bringUp(String node) throws Exception {
        node(node).bringUp();
    }

    private Engine.Node node(String name) {
        Engine.Node n = nodes.get(name);
        if (n == null) throw new IllegalArgumentException("no node " + name + " in " + nodes.keySet());
        return n;
    }

    /** Closed by {@link #close()} before the data source, last registered first (e.g. an ORM over the data source). */
    public synchronized <T extends AutoCloseable> T closeFirst(T resource) {
        closeFirst.add(resource);
        return resource;
    }

    // ------------------------------------------------------------------ status of the data source

    /** The node's status in {@link #dataSource()}. */
    public NodeStatus status(String node) throws SQLException {
        return dataSource().nodeStatus(node);
    }

    /** The status report once {@code node} satisfies {@code condition}, or after 15 s (the caller asserts). */
    public ShardlineStatus awaitStatus(String node, Predicate<NodeStatus> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        ShardlineStatus s = dataSource().statusReport();
        while (!condition.test(s.node(node).orElseThrow()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            s = dataSource().statusReport();
        }
        return s;
    }

    /** The node's status once it satisfies {@code condition}, or after 15 s (the caller asserts). */
    public NodeStatus awaitNode(String node, Predicate<NodeStatus> condition) throws Exception {
        return awaitStatus(node, condition).node(node).orElseThrow();
    }

    /** The node's status once it is in {@code state} (HEALTHY, CATCHING_UP, DOWN, BROKEN), or after 15 s. */
    public NodeStatus awaitState(String node, String state) throws Exception {
        return awaitNode(node, n -> n.state().equals(state));
    }

    /** The node's status once its lag is zero, or after 15 s. */
    public NodeStatus awaitCaughtUp(String node) throws Exception {
        return awaitNode(node, n -> n.lagEntries() == 0);
    }

    // ------------------------------------------------------------------ reading nodes

    /** Every row of {@code table}, ordered by the given columns, as strings: for exact comparisons. */
    public static List<List<String>> dump(Connection c, String table, String orderBy) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table + " ORDER BY " + orderBy)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object o = rs.getObject(i);
                    row.add(o instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(o));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    public static long count(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ------------------------------------------------------------------ teardown

    /** Closes what was registered with {@link #closeFirst}, the data source and the URL's runtime; drops every node. */
    @Override
    public synchronized void close() throws SQLException, IOException {
        List<AutoCloseable> steps = new ArrayList<>();
        for (int i = closeFirst.size() - 1; i >= 0; i--) steps.add(closeFirst.get(i));
        closeFirst.clear();
        if (dataSource != null) steps.add(dataSource);
        dataSource = null;
        steps.add(() -> ShardlineDriver.close(url)); // connections made through DriverManager
        List<Engine.Node> all = new ArrayList<>(nodes.values());
        for (int i = all.size() - 1; i >= 0; i--) steps.add(all.get(i));
        if (ownDir) steps.add(() -> deleteRecursively(dir));
        closeAll(steps);
    }

    /** Runs every step, even after one failed; then throws the first failure (the others suppressed in it). */
    private static void closeAll(List<AutoCloseable> steps) throws SQLException, IOException {
        Exception failure = null;
        for (AutoCloseable step : steps) {
            try {
                step.close();
            } catch (Exception e) {
                if (failure == null) failure = e;
                else failure.addSuppressed(e);
            }
        }
        if (failure instanceof SQLException e) throw e;
        if (failure instanceof IOException e) throw e;
        if (failure instanceof RuntimeException e) throw e;
        if (failure != null) throw new IllegalStateException("closing the test topology", failure);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    // ------------------------------------------------------------------ the builder

    /** What the topology holds; {@link #build()} creates the databases and writes the YAML. */
    public static final class Builder {
        private final Engine engine;
        private final String id = "shardline_test_" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet();
        private Path dir;
        private int shards = 1;
        private int replicas = 1;
        private List<String> replicaNames;
        private final Set<String> interruptible = new LinkedHashSet<>();
        private final Map<String, Integer> weights = new LinkedHashMap<>();
        private final Map<String, String> pools = new LinkedHashMap<>();
        private String password;
        private final Map<String, String> tables = new LinkedHashMap<>();
        private String defaultShard;
        private final Map<String, String> replication = new LinkedHashMap<>();
        private final Map<String, String> reads = new LinkedHashMap<>();
        private final StringBuilder raw = new StringBuilder();
        private final Map<String, Engine> engines = new LinkedHashMap<>();

        private Builder(Engine engine) {
            this.engine = engine;
        }

        /** Where the YAML (and H2 file databases) go; by default a temporary directory deleted on close. */
        /** Runs {@code node} on {@code other} instead of the topology's engine (a replica of another engine). */
        public Builder engine(String node, Engine other) {
            engines.put(node, other);
            return this;
        }

        public Builder in(Path dir) {
            this.dir = dir;
            return this;
        }

        /** The number of shards (default 1). */
        public Builder shards(int shards) {
            this.shards = shards;
            return this;
        }

        /** Replicas per shard (default 1), named {@code replica-<i>} (one shard) or {@code s<k>-replica-<i>}. */
        public Builder replicas(int replicas) {
            this.replicas = replicas;
            this.replicaNames = null;
            return this;
        }

        /** One shard's replicas, with these names. */
        public Builder replicas(String... names) {
            this.replicas = names.length;
            this.replicaNames = List.of(names);
            return this;
        }

        /**
         * Nodes the test will {@link TestTopology#takeDown take down}: on H2 served by a TCP server
         * of their own, on a database server reached through a {@link TcpProxy}. Their pool gives up
         * on a connection after 500 ms (unless {@link #pool} says otherwise).
         */
        public Builder interruptible(String... nodes) {
            interruptible.addAll(List.of(nodes));
            return this;
        }

        /** The read weight of a replica ({@code { dataSource: node, weight: n }}). */
        public Builder weight(String replica, int weight) {
            weights.put(replica, weight);
            return this;
        }

        /** HikariCP settings of a node's pool, as the inside of a YAML flow mapping ({@code "connectionTimeout: 300"}). */
        public Builder pool(String node, String settings) {
            pools.put(node, settings);
            return this;
        }

        /** The password of every node (H2 only: the databases are created with it). */
        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /** A sharding rule of the {@code tables} section, e.g. {@code table("orders", "{ shardKey: customer_id, strategy: mod }")}. */
        public Builder table(String name, String rule) {
            tables.put(name, rule);
            return this;
        }

        public Builder defaultShard(String shard) {
            this.defaultShard = shard;
            return this;
        }

        /** {@code replication.mode}: async or sync. */
        public Builder mode(String mode) {
            return replication("mode", mode);
        }

        /** {@code replication.ackReplicas} (sync): all or a number. */
        public Builder ackReplicas(String ackReplicas) {
            return replication("ackReplicas", ackReplicas);
        }

        /** {@code replication.ackTimeout} (sync), e.g. 5s. */
        public Builder ackTimeout(String ackTimeout) {
            return replication("ackTimeout", ackTimeout);
        }

        /** {@code replication.applyInterval}, e.g. 2s (0s: continuous). */
        public Builder applyInterval(String applyInterval) {
            return replication("applyInterval", applyInterval);
        }

        /** {@code replication.retry}: the backoff of an applier after a failure. */
        public Builder retry(String initialBackoff, String maxBackoff) {
            return replication("retry", "{ initialBackoff: " + initialBackoff + ", maxBackoff: " + maxBackoff + " }");
        }

        /** Any other {@code replication} setting (logAlertEntries, batchSize, schema). */
        public Builder replication(String key, String value) {
            replication.put(key, value);
            return this;
        }

        /** A {@code reads} setting: balancer, consistency, maxLag, fallbackToPrimary. */
        public Builder reads(String key, String value) {
            reads.put(key, value);
            return this;
        }

        /** YAML appended as it is (null: nothing). */
        public Builder yaml(String yaml) {
            if (yaml != null) raw.append(yaml.endsWith("\n") || yaml.isEmpty() ? yaml : yaml + "\n");
            return this;
        }

        /**
         * Creates the databases and writes the topology; skips the calling test unless the engine is
         * switched on ({@link Engine#assumeEnabled()}).
         */
        public TestTopology build() throws Exception {
            engine.assumeEnabled();
            for (Engine other : engines.values()) other.assumeEnabled();
            if (replicaNames != null && shards != 1) throw new IllegalArgumentException("replica names are for one shard");
            List<List<String>> layout = new ArrayList<>();
            for (int k = 0; k < shards; k++) {
                List<String> shard = new ArrayList<>();
                shard.add(shards == 1 ? "primary" : "s" + k + "-primary");
                for (int i = 0; i < replicas; i++) {
                    shard.add(replicaNames != null ? replicaNames.get(i) : shards == 1 ? "replica-" + i : "s" + k + "-replica-" + i);
                }
                layout.add(shard);
            }
            Set<String> names = new LinkedHashSet<>();
            layout.forEach(names::addAll);
            for (Set<String> referenced : List.of(interruptible, weights.keySet(), pools.keySet(), engines.keySet())) {
                if (!names.containsAll(referenced)) throw new IllegalArgumentException(referenced + " not all in " + names);
            }
            boolean ownDir = dir == null;
            Path where = ownDir ? Files.createTempDirectory(id) : dir;
            Map<String, Engine.Node> nodes = new LinkedHashMap<>();
            try {
                for (String name : names) {
                    String database = id + "_" + name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", "_");
                    nodes.put(name, engines.getOrDefault(name, engine).create(name, database, where, interruptible.contains(name), password));
                }
                return new TestTopology(this, where, ownDir, layout, nodes);
            } catch (Exception e) {
                List<AutoCloseable> undo = new ArrayList<>(nodes.values());
                if (ownDir) undo.add(() -> deleteRecursively(where));
                try {
                    closeAll(undo);
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }

        private String topologyYaml(List<List<String>> layout, Map<String, Engine.Node> nodes) {
            StringBuilder y = new StringBuilder("dataSources:\n");
            for (Engine.Node n : nodes.values()) {
                y.append("  ").append(n.name).append(": { url: \"").append(n.url()).append("\", username: ").append(n.user());
                if (n.password() != null) y.append(", password: \"").append(n.password()).append('"');
                String pool = pools.get(n.name);
                boolean replica = layout.stream().noneMatch(s -> s.get(0).equals(n.name));
                // a node that goes away is noticed within half a second (a server's replicas: as always before)
                if (pool == null && (interruptible.contains(n.name) || replica && engines.getOrDefault(n.name, engine).onServer())) {
                    pool = "connectionTimeout: 500";
                }
                if (pool != null) y.append(", pool: { ").append(pool).append(" }");
                y.append(" }\n");
            }
            y.append("shards:\n");
            for (int k = 0; k < layout.size(); k++) {
                List<String> shard = layout.get(k);
                y.append("  s").append(k).append(": { primary: ").append(shard.get(0)).append(", replicas: [");
                for (int i = 1; i < shard.size(); i++) {
                    String r = shard.get(i);
                    y.append(i == 1 ? "" : ", ");
                    y.append(weights.containsKey(r) ? "{ dataSource: " + r + ", weight: " + weights.get(r) + " }" : r);
                }
                y.append("] }\n");
            }
            if (!tables.isEmpty()) {
                y.append("tables:\n");
                tables.forEach((t, rule) -> y.append("  ").append(t).append(": ").append(rule).append('\n'));
            }
            if (defaultShard != null) y.append("defaultShard: ").append(defaultShard).append('\n');
            flow(y, "replication", replication);
            flow(y, "reads", reads);
            return y.append(raw).toString();
        }

        private static void flow(StringBuilder y, String section, Map<String, String> settings) {
            if (settings.isEmpty()) return;
            y.append(section).append(": {");
            String sep = " ";
            for (Map.Entry<String, String> e : settings.entrySet()) {
                y.append(sep).append(e.getKey()).append(": ").append(e.getValue());
                sep = ", ";
            }
            y.append(" }\n");
        }
    }
}
