package io.shardline.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shardline.driver.ShardlineDataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.shardingsphere.driver.api.yaml.YamlShardingSphereDataSourceFactory;

/**
 * The physical H2 in-memory databases every contender runs on, and the three ways of reaching
 * them: raw HikariCP pools, Shardline (through a generated topology YAML), ShardingSphere-JDBC
 * (through an equivalent YAML rule configuration over its own HikariCP pools).
 *
 * <p>Each JMH fork is a fresh JVM, so each fork creates, populates and drops its own databases;
 * contenders never see each other's writes.
 */
final class Databases {

    /** Rows in {@code accounts} (primary/replica topology). */
    static final int ACCOUNTS = 10_000;
    /** Customers in {@code orders} (2-shard topology); two orders each. */
    static final int CUSTOMERS = 5_000;
    static final int ORDERS_PER_CUSTOMER = 2;

    static final String POINT_SELECT = "SELECT id, name, balance FROM accounts WHERE id = ?";
    static final String INSERT = "INSERT INTO events (id, account_id, amount, note) VALUES (?, ?, ?, ?)";
    static final String SHARD_KEY_SELECT = "SELECT id, customer_id, amount FROM orders WHERE customer_id = ?";
    static final String TOP_N = "SELECT id, customer_id, amount FROM orders WHERE id > ? ORDER BY id LIMIT 10";

    private Databases() {}

    /** The local MariaDB server (root, no password), as Connector/J reaches it. */
    static final String MARIADB = "jdbc:mysql://127.0.0.1:3306/";
    static final String MARIADB_PARAMS = "?user=root&password=&useSSL=false&allowPublicKeyRetrieval=true";

    /**
     * Fresh databases {@code names} on the local MariaDB server, and none of the Shardline schemas
     * ({@code shardline_<name>}) a previous run left: returns each one's URL, in order.
     */
    static List<String> freshMariaDb(String... names) throws SQLException {
        List<String> urls = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(MARIADB + MARIADB_PARAMS); Statement st = c.createStatement()) {
            for (String db : names) {
                st.execute("DROP DATABASE IF EXISTS " + db);
                st.execute("DROP DATABASE IF EXISTS shardline_" + db);
                st.execute("CREATE DATABASE " + db);
                urls.add(MARIADB + db + MARIADB_PARAMS);
            }
        }
        return urls;
    }

    /** The local PostgreSQL server (postgres, trust), as pgjdbc reaches it. */
    static final String POSTGRESQL = "jdbc:postgresql://127.0.0.1:5432/";
    static final String POSTGRESQL_PARAMS = "?user=postgres";

    /** Fresh databases {@code names} on the local PostgreSQL server (Shardline's schema is inside each): their URLs, in order. */
    static List<String> freshPostgresql(String... names) throws SQLException {
        List<String> urls = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(POSTGRESQL + "postgres" + POSTGRESQL_PARAMS); Statement st = c.createStatement()) {
            for (String db : names) {
                st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                st.execute("CREATE DATABASE " + db);
                urls.add(POSTGRESQL + db + POSTGRESQL_PARAMS);
            }
        }
        return urls;
    }

    /**
     * A primary and a replica database named {@code name + "_p"} and {@code name + "_r"}: fresh ones
     * on the local MariaDB, or in-memory H2; and the topology YAML of the two (data sources
     * {@code primary} and {@code replica}, shard {@code main}), written to a temporary file.
     */
    record PrimaryReplica(String primaryUrl, String replicaUrl, boolean mariadb, Path yaml) {
    }

    static PrimaryReplica primaryReplica(boolean mariadb, String name) throws SQLException, IOException {
        String p;
        String r;
        if (mariadb) {
            List<String> urls = freshMariaDb(name + "_p", name + "_r");
            p = urls.get(0);
            r = urls.get(1);
        } else {
            String unique = name + System.nanoTime();
            p = "jdbc:h2:mem:" + unique + "_p;DB_CLOSE_DELAY=-1";
            r = "jdbc:h2:mem:" + unique + "_r;DB_CLOSE_DELAY=-1";
        }
        String user = mariadb ? "" : ", username: sa";
        Path yaml = Files.createTempFile(name, ".yaml");
        Files.writeString(yaml, "dataSources:\n  primary: { url: \"" + p + "\"" + user + " }\n"
                + "  replica: { url: \"" + r + "\"" + user + " }\n"
                + "shards:\n  main: { primary: primary, replicas: [replica] }\n");
        return new PrimaryReplica(p, r, mariadb, yaml);
    }

    static String h2Url(String db) {
        return "jdbc:h2:mem:" + db + ";DB_CLOSE_DELAY=-1";
    }

    /** A HikariCP pool of its own on one physical database. */
    static HikariDataSource pool(String db, int size) {
        return pool(db, size, "raw-" + db);
    }

    static HikariDataSource pool(String db, int size, String name) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(h2Url(db));
        c.setUsername("sa");
        c.setPassword("");
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(1);
        c.setPoolName(name);
        return new HikariDataSource(c);
    }

    static void exec(String db, String... sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(h2Url(db), "sa", ""); Statement s = c.createStatement()) {
            for (String q : sql) s.execute(q);
        }
    }

    // ------------------------------------------------------------------ primary + 2 replicas

    /** Creates and fills the same {@code accounts} and empty {@code events} on every node. */
    static void createReadWrite(String... nodes) throws SQLException {
        for (String db : nodes) {
            exec(db,
                    "CREATE TABLE accounts (id BIGINT PRIMARY KEY, name VARCHAR(64) NOT NULL, balance DECIMAL(12,2) NOT NULL)",
                    "CREATE TABLE events (id BIGINT PRIMARY KEY, account_id BIGINT NOT NULL, amount DECIMAL(12,2) NOT NULL,"
                            + " note VARCHAR(64))");
            try (Connection c = DriverManager.getConnection(h2Url(db), "sa", "")) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts VALUES (?, ?, ?)")) {
                    for (int i = 1; i <= ACCOUNTS; i++) {
                        ps.setLong(1, i);
                        ps.setString(2, "account-" + i);
                        ps.setBigDecimal(3, java.math.BigDecimal.valueOf(i % 1000, 2));
                        ps.addBatch();
                        if (i % 1000 == 0) ps.executeBatch();
                    }
                }
                c.commit();
            }
        }
    }

    /** A Shardline topology: one shard, a primary and its replicas, async replication. */
    static String shardlineReadWriteYaml(String primary, List<String> replicas, int poolSize) {
        StringBuilder y = new StringBuilder("dataSources:\n");
        y.append(dataSource(primary, poolSize));
        for (String r : replicas) y.append(dataSource(r, poolSize));
        y.append("shards:\n  s0:\n    primary: ").append(primary).append("\n    replicas: [")
                .append(String.join(", ", replicas)).append("]\n");
        y.append("replication:\n  mode: async\n");
        y.append("reads:\n  balancer: round-robin\n  consistency: read-your-writes\n  fallbackToPrimary: true\n");
        return y.toString();
    }

    private static String dataSource(String db, int poolSize) {
        return "  " + db + ":\n    url: \"" + h2Url(db) + "\"\n    username: sa\n    password: \"\"\n"
                + "    pool: { maximumPoolSize: " + poolSize + ", minimumIdle: 1 }\n";
    }

    /** Starts Shardline the way an application would: through {@code jdbc:shardline:file:}. */
    static ShardlineDataSource shardline(String yaml, String name) throws SQLException, IOException {
        Path file = Files.createTempFile("shardline-bench-" + name + "-", ".yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        file.toFile().deleteOnExit();
        return ShardlineDataSource.forUrl("jdbc:shardline:file:" + file);
    }

    /** ShardingSphere-JDBC readwrite-splitting with round-robin over the replicas. */
    static DataSource shardingSphereReadWrite(String primary, List<String> replicas, int poolSize)
            throws SQLException, IOException {
        Map<String, DataSource> pools = new LinkedHashMap<>();
        pools.put(primary, ssPool(primary, poolSize));
        for (String r : replicas) pools.put(r, ssPool(r, poolSize));
        String yaml = "databaseName: bench_rw\n"
                + "mode:\n  type: Standalone\n  repository:\n    type: JDBC\n"
                + "rules:\n"
                + "- !READWRITE_SPLITTING\n"
                + "  dataSourceGroups:\n"
                + "    rw:\n"
                + "      writeDataSourceName: " + primary + "\n"
                + "      readDataSourceNames: [" + String.join(", ", replicas) + "]\n"
                + "      loadBalancerName: round_robin\n"
                + "  loadBalancers:\n"
                + "    round_robin:\n"
                + "      type: ROUND_ROBIN\n"
                + "- !SINGLE\n"
                + "  tables:\n"
                + "    - \"*.*\"\n"
                + "props:\n  sql-show: false\n";
        return YamlShardingSphereDataSourceFactory.createDataSource(pools, yaml.getBytes(StandardCharsets.UTF_8));
    }

    private static HikariDataSource ssPool(String db, int size) {
        return pool(db, size, "ss-" + db);
    }

    // ------------------------------------------------------------------ 2 shards

    /** {@code orders} spread by {@code floorMod(customer_id, 2)}: shard i holds its customers' orders. */
    static void createSharded(String... shards) throws SQLException {
        for (int s = 0; s < shards.length; s++) {
            String db = shards[s];
            exec(db,
                    "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, amount DECIMAL(12,2) NOT NULL)",
                    "CREATE INDEX orders_customer ON orders (customer_id)");
            try (Connection c = DriverManager.getConnection(h2Url(db), "sa", "")) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO orders VALUES (?, ?, ?)")) {
                    int n = 0;
                    for (long customer = 1; customer <= CUSTOMERS; customer++) {
                        if (Math.floorMod(customer, shards.length) != s) continue;
                        for (int k = 0; k < ORDERS_PER_CUSTOMER; k++) {
                            long id = customer * ORDERS_PER_CUSTOMER + k;
                            ps.setLong(1, id);
                            ps.setLong(2, customer);
                            ps.setBigDecimal(3, java.math.BigDecimal.valueOf(id % 10_000, 2));
                            ps.addBatch();
                            if (++n % 1000 == 0) ps.executeBatch();
                        }
                    }
                    ps.executeBatch();
                }
                c.commit();
            }
        }
    }

    /** A Shardline topology with one primary per shard and {@code orders} sharded by customer_id mod N. */
    static String shardlineShardedYaml(List<String> shards, int poolSize) {
        StringBuilder y = new StringBuilder("dataSources:\n");
        for (String s : shards) y.append(dataSource(s, poolSize));
        y.append("shards:\n");
        for (int i = 0; i < shards.size(); i++) y.append("  s").append(i).append(":\n    primary: ").append(shards.get(i)).append('\n');
        y.append("tables:\n  orders: { shardKey: customer_id, strategy: mod }\n");
        y.append("defaultShard: s0\n");
        y.append("replication:\n  mode: async\n");
        return y.toString();
    }

    /**
     * ShardingSphere-JDBC sharding: {@code orders} by customer_id modulo the shard count over ds_0,
     * ds_1. The modulo rule is written as the INLINE algorithm {@code ds_${customer_id % 2}}: the
     * MOD algorithm is an "auto" algorithm that also renames the physical tables (orders_0, ...),
     * which would not match the same physical databases.
     */
    static DataSource shardingSphereSharded(List<String> shards, int poolSize) throws SQLException, IOException {
        Map<String, DataSource> pools = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            pools.put("ds_" + i, ssPool(shards.get(i), poolSize));
            names.add("ds_" + i);
        }
        String yaml = "databaseName: bench_sharded\n"
                + "mode:\n  type: Standalone\n  repository:\n    type: JDBC\n"
                + "rules:\n"
                + "- !SHARDING\n"
                + "  tables:\n"
                + "    orders:\n"
                + "      actualDataNodes: ds_${0.." + (shards.size() - 1) + "}.orders\n"
                + "      databaseStrategy:\n"
                + "        standard:\n"
                + "          shardingColumn: customer_id\n"
                + "          shardingAlgorithmName: customer_mod\n"
                + "  shardingAlgorithms:\n"
                + "    customer_mod:\n"
                + "      type: INLINE\n"
                + "      props:\n"
                + "        algorithm-expression: ds_${customer_id % " + shards.size() + "}\n"
                + "props:\n  sql-show: false\n";
        return YamlShardingSphereDataSourceFactory.createDataSource(pools, yaml.getBytes(StandardCharsets.UTF_8));
    }

    static void closeQuietly(AutoCloseable c) {
        if (c == null) return;
        try {
            c.close();
        } catch (Exception ignored) {
            // shutting down
        }
    }
}
