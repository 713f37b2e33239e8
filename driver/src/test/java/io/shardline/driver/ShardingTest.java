package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two shards, each a primary with one replica: routing by key, broadcast, scatter and merge. */
class ShardingTest {

    @AutoClose
    TestTopology topo;
    ShardlineDataSource ds;
    /** The same orders in one plain database: what every cross-shard query must answer. */
    @AutoClose
    Connection reference;

    @BeforeEach
    void start() throws Exception {
        topo = TestTopology.on(Engine.H2).shards(2).replicas(1)
                .table("orders", "{ shardKey: customer_id, strategy: mod }")
                .table("customers", "{ shardKey: id, strategy: hash, keyGenerator: { column: id, type: snowflake } }")
                .table("countries", "{ broadcast: true }")
                .defaultShard("s0")
                .build();
        ds = topo.dataSource();
        reference = DriverManager.getConnection("jdbc:h2:mem:" + topo.id() + "_ref", "sa", ""); // gone with the connection
        String orders = "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, status VARCHAR(10),"
                + " amount DECIMAL(12,2), note VARCHAR(20))";
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); Statement ref = reference.createStatement()) {
            st.execute(orders);
            ref.execute(orders);
            st.execute("CREATE TABLE customers (id BIGINT PRIMARY KEY, name VARCHAR(40))");
            st.execute("CREATE TABLE countries (code CHAR(2) PRIMARY KEY, name VARCHAR(40))");
            st.execute("CREATE TABLE settings (k VARCHAR(10) PRIMARY KEY, v VARCHAR(10))");
        }
    }

    private void fillOrders(int n) throws Exception {
        Random rnd = new Random(42);
        String[] statuses = {"NEW", "PAID", "SHIPPED", null};
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO orders (id, customer_id, status, amount, note) VALUES (?, ?, ?, ?, ?)");
             PreparedStatement ref = reference.prepareStatement("INSERT INTO orders (id, customer_id, status, amount, note) VALUES (?, ?, ?, ?, ?)")) {
            c.setAutoCommit(false);
            for (int i = 1; i <= n; i++) {
                long customer = rnd.nextInt(500) - 20; // some negative keys: floorMod
                String status = statuses[rnd.nextInt(statuses.length)];
                BigDecimal amount = rnd.nextInt(10) == 0 ? null : BigDecimal.valueOf(rnd.nextInt(100_000), 2);
                for (PreparedStatement p : List.of(ps, ref)) {
                    p.setLong(1, i);
                    p.setLong(2, customer);
                    p.setString(3, status);
                    p.setBigDecimal(4, amount);
                    p.setString(5, "n" + (i % 17));
                    p.addBatch();
                }
                if (i % 500 == 0) {
                    ps.executeBatch();
                    ref.executeBatch();
                    c.commit();
                }
            }
            ps.executeBatch();
            ref.executeBatch();
            c.commit();
        }
    }

    @Test
    void tenThousandRowsLandOnTheirShardAndReachItsReplica() throws Exception {
        fillOrders(10_000);
        assertThat(ds.awaitReplication(Duration.ofSeconds(30))).isTrue();
        long total = 0;
        for (int shard = 0; shard < 2; shard++) {
            try (Connection p = topo.direct(topo.primaryName(shard));
                 Connection r = topo.direct(topo.replicaName(shard, 0));
                 Statement st = p.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM orders WHERE MOD(customer_id, 2) <> 0 AND MOD(customer_id, 2) <> 0")) {
                    rs.next();
                }
                // every row's key maps to this shard (floorMod)
                for (List<String> row : TestTopology.dump(p, "orders", "id")) {
                    assertThat(Math.floorMod(Long.parseLong(row.get(1)), 2)).isEqualTo(shard);
                }
                long n = TestTopology.count(p, "orders");
                assertThat(n).isPositive();
                total += n;
                assertThat(TestTopology.dump(r, "orders", "id")).isEqualTo(TestTopology.dump(p, "orders", "id"));
            }
        }
        assertThat(total).isEqualTo(10_000);
    }

    @Test
    void crossShardQueriesAnswerExactlyLikeOneDatabase() throws Exception {
        fillOrders(2_000);
        assertThat(ds.awaitReplication(Duration.ofSeconds(30))).isTrue();
        List<String> queries = new ArrayList<>();
        Random rnd = new Random(7);
        String[] filters = {"", " WHERE amount > 100", " WHERE status = 'PAID'", " WHERE customer_id < 100",
                " WHERE note IN ('n1', 'n2', 'n3')", " WHERE amount IS NULL"};
        for (String f : filters) {
            queries.add("SELECT COUNT(*) FROM orders" + f);
            queries.add("SELECT COUNT(amount), SUM(amount), MIN(amount), MAX(amount) FROM orders" + f);
            queries.add("SELECT status, COUNT(*), SUM(amount) FROM orders" + f + " GROUP BY status ORDER BY status");
            queries.add("SELECT note, MAX(amount) FROM orders" + f + " GROUP BY note HAVING COUNT(*) > 5 ORDER BY note");
            queries.add("SELECT DISTINCT status FROM orders" + f + " ORDER BY status");
            queries.add("SELECT DISTINCT note FROM orders" + f + " ORDER BY note DESC LIMIT 5");
            for (int i = 0; i < 25; i++) {
                int limit = 1 + rnd.nextInt(30);
                int offset = rnd.nextInt(50);
                String dirn = rnd.nextBoolean() ? "ASC" : "DESC";
                queries.add("SELECT id, customer_id, amount FROM orders" + f + " ORDER BY amount " + dirn + ", id LIMIT "
                        + limit + " OFFSET " + offset);
                queries.add("SELECT id, status FROM orders" + f + " ORDER BY id " + dirn + " LIMIT " + limit);
            }
        }
        queries.add("SELECT AVG(amount) FROM orders");
        queries.add("SELECT status, AVG(amount) FROM orders GROUP BY status ORDER BY status");
        assertThat(queries.size()).isGreaterThan(300);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); Statement ref = reference.createStatement()) {
            for (String q : queries) {
                List<List<Object>> expected = rows(ref.executeQuery(q));
                List<List<Object>> actual = rows(st.executeQuery(q));
                assertThat(actual).as(q).isEqualTo(expected);
            }
        }
    }

    private static List<List<Object>> rows(ResultSet rs) throws Exception {
        List<List<Object>> out = new ArrayList<>();
        try (rs) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object o = rs.getObject(i);
                    // compare numbers by value: BigDecimal scale and integer widths may differ by engine
                    if (o instanceof BigDecimal d) o = d.stripTrailingZeros().toPlainString();
                    else if (o instanceof Number n) o = new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
                    row.add(o);
                }
                out.add(row);
            }
        }
        return out;
    }

    @Test
    void keyGeneratorBroadcastAndDefaultShardTables() throws Exception {
        List<Long> ids = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO customers (name) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 0; i < 50; i++) {
                    ps.setString(1, "c" + i);
                    ps.executeUpdate();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        assertThat(keys.next()).isTrue();
                        ids.add(keys.getLong(1));
                    }
                }
            }
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO countries VALUES ('FR', 'France'), ('DE', 'Germany')");
                st.executeUpdate("INSERT INTO settings VALUES ('mode', 'x')");
            }
            // point lookups by the generated key find each customer on its shard
            try (PreparedStatement ps = c.prepareStatement("/* shardline:primary */ SELECT name FROM customers WHERE id = ?")) {
                for (int i = 0; i < ids.size(); i++) {
                    ps.setLong(1, ids.get(i));
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getString(1)).isEqualTo("c" + i);
                    }
                }
            }
        }
        assertThat(new HashSet<>(ids)).hasSize(50);
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        Set<Long> spread = new HashSet<>();
        for (int shard = 0; shard < 2; shard++) {
            try (Connection p = topo.direct(topo.primaryName(shard))) {
                long customers = TestTopology.count(p, "customers");
                spread.add(customers);
                assertThat(customers).isBetween(5L, 45L); // hash spreads the keys
                assertThat(TestTopology.count(p, "countries")).isEqualTo(2); // broadcast: a full copy
                assertThat(TestTopology.count(p, "settings")).isEqualTo(shard == 0 ? 1 : 0); // default shard only
            }
        }
    }

    @Test
    void unsafeStatementsAreRefusedByName() throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            assertThatThrownBy(() -> st.executeUpdate("UPDATE orders SET customer_id = 5 WHERE id = 1"))
                    .isInstanceOf(SQLFeatureNotSupportedException.class).hasMessageContaining("customer_id").hasMessageContaining("orders");
            assertThatThrownBy(() -> st.executeQuery("SELECT * FROM orders o JOIN customers c ON o.customer_id = c.id"))
                    .isInstanceOf(SQLFeatureNotSupportedException.class).hasMessageContaining("orders").hasMessageContaining("customers");
        }
    }
}
