package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        String ddl = ShardedOrders.ddl(engine);
        try (Connection c = topo.dataSource().getConnection(); Statement st = c.createStatement();
             Connection ref = single.primary(); Statement rs = ref.createStatement()) {
            st.execute(ddl);
            rs.execute(ddl);
            ShardedOrders.fill(c, ref, 1000);
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
                assertThat(ShardedOrders.answer(st.executeQuery(q))).as(engine + ": " + q).isEqualTo(ShardedOrders.answer(rst.executeQuery(q)));
            }
        }
    }
}
