package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AutoClose;

/**
 * Sharding on every engine: rows routed by key to two shards (each with a replica), then
 * cross-shard queries — aggregates, AVG with the engine's own scale rules, GROUP BY / HAVING,
 * DISTINCT, ORDER BY with LIMIT/OFFSET — must answer exactly what one plain database of the same
 * engine holding the same rows answers. ({@code ShardingTest} covers the sharding rules in depth on
 * H2.)
 */
class ShardedMergeTest {

    @AutoClose
    TestTopology topo;
    /** One plain database of the same engine: the reference every cross-shard query must match. */
    @AutoClose
    TestTopology single;

    @PerEngine(postgresql = true)
    void crossShardQueriesAnswerLikeOneDatabaseOfTheSameEngine(Engine engine) throws Exception {
        topo = TestTopology.on(engine).shards(2).replicas(1).table("orders", "{ shardKey: customer_id, strategy: mod }").build();
        single = TestTopology.on(engine).replicas(0).build();
        String ddl = "CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, status VARCHAR(10),"
                + " amount DECIMAL(12,2), note VARCHAR(20))" + engine.tableOptions();
        try (Connection c = topo.dataSource().getConnection(); Statement st = c.createStatement();
             Connection ref = single.primary(); Statement rs = ref.createStatement()) {
            st.execute(ddl);
            rs.execute(ddl);
            fill(c, ref);
        }
        assertThat(topo.dataSource().awaitReplication(Duration.ofSeconds(30))).isTrue();
        for (int shard = 0; shard < 2; shard++) {
            try (Connection p = topo.direct(topo.primaryName(shard)); Connection r = topo.direct(topo.replicaName(shard, 0))) {
                List<List<String>> rows = TestTopology.dump(p, "orders", "id");
                assertThat(rows).isNotEmpty();
                for (List<String> row : rows) assertThat(Math.floorMod(Long.parseLong(row.get(1)), 2)).isEqualTo(shard);
                assertThat(TestTopology.dump(r, "orders", "id")).isEqualTo(rows);
            }
        }
        List<String> queries = new ArrayList<>();
        for (String f : new String[] {"", " WHERE amount > 100", " WHERE status = 'PAID'", " WHERE amount IS NULL"}) {
            queries.add("SELECT COUNT(*) FROM orders" + f);
            queries.add("SELECT COUNT(amount), SUM(amount), MIN(amount), MAX(amount) FROM orders" + f);
            queries.add("SELECT AVG(amount) FROM orders" + f);
            queries.add("SELECT status, COUNT(*), SUM(amount), AVG(amount) FROM orders" + f + " GROUP BY status ORDER BY status");
            queries.add("SELECT note, MAX(amount) FROM orders" + f + " GROUP BY note HAVING COUNT(*) > 5 ORDER BY note");
            queries.add("SELECT DISTINCT status FROM orders" + f + " ORDER BY status");
            queries.add("SELECT id, customer_id, amount FROM orders" + f + " ORDER BY amount DESC, id LIMIT 7 OFFSET 3");
            queries.add("SELECT id, status FROM orders" + f + " ORDER BY id DESC LIMIT 11");
        }
        try (Connection c = topo.dataSource().getConnection(); Statement st = c.createStatement();
             Connection ref = single.primary(); Statement rst = ref.createStatement()) {
            for (String q : queries) {
                assertThat(rows(st.executeQuery(q))).as(engine + ": " + q).isEqualTo(rows(rst.executeQuery(q)));
            }
        }
    }

    private static void fill(Connection sharded, Connection ref) throws Exception {
        Random rnd = new Random(42);
        String[] statuses = {"NEW", "PAID", "SHIPPED"};
        String sql = "INSERT INTO orders (id, customer_id, status, amount, note) VALUES (?, ?, ?, ?, ?)";
        try (PreparedStatement ps = sharded.prepareStatement(sql); PreparedStatement rp = ref.prepareStatement(sql)) {
            sharded.setAutoCommit(false);
            for (int i = 1; i <= 1000; i++) {
                long customer = rnd.nextInt(300) - 20; // some negative keys: floorMod
                String status = statuses[rnd.nextInt(statuses.length)];
                BigDecimal amount = rnd.nextInt(10) == 0 ? null : BigDecimal.valueOf(rnd.nextInt(100_000), 2);
                for (PreparedStatement p : List.of(ps, rp)) {
                    p.setLong(1, i);
                    p.setLong(2, customer);
                    p.setString(3, status);
                    p.setBigDecimal(4, amount);
                    p.setString(5, "n" + (i % 17));
                    p.addBatch();
                }
            }
            ps.executeBatch();
            rp.executeBatch();
            sharded.commit();
            sharded.setAutoCommit(true);
        }
    }

    /** Every row's values; numbers exactly, as the engine's own type and scale give them. */
    private static List<List<Object>> rows(ResultSet rs) throws Exception {
        List<List<Object>> out = new ArrayList<>();
        try (rs) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object o = rs.getObject(i);
                    // integer widths may differ (COUNT as BIGINT or DECIMAL): compare integers by value, decimals with their scale
                    if (o instanceof Number n && !(o instanceof BigDecimal)) o = new BigDecimal(n.toString());
                    if (o instanceof BigDecimal d && d.scale() <= 0) o = d.toBigIntegerExact();
                    row.add(o);
                }
                out.add(row);
            }
        }
        return out;
    }
}
