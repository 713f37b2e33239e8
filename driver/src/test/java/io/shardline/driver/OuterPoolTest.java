package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.shardline.replication.ReplicaState;
import io.shardline.replication.ReplicationListener;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AutoClose;

/**
 * Shardline under an application's own connection pool with default sizes — Spring Boot's setup:
 * its HikariCP pool of 10 over the {@code jdbc:shardline:} URL, Shardline's pools at their
 * defaults (10). The outer pool keeps its 10 logical connections open and validates them
 * ({@code isValid}) on borrow; every one of them writes, so each holds a physical primary
 * connection. Replication must go on regardless: the appliers and log maintenance have
 * connections of their own, and validating an idle logical connection takes none.
 */
class OuterPoolTest {

    @AutoClose
    TestTopology topo;
    @AutoClose
    HikariDataSource outer;

    @PerEngine
    void anOuterPoolOfTenKeepsReplicatingWhileEveryConnectionIsPinned(Engine engine) throws Exception {
        topo = TestTopology.on(engine).replicas(2).build();
        ShardlineDataSource ds = topo.dataSource();
        List<String> downs = new CopyOnWriteArrayList<>();
        ds.addListener(new ReplicationListener() {
            @Override
            public void stateChanged(String replica, ReplicaState from, ReplicaState to, String error) {
                if (to == ReplicaState.DOWN || to == ReplicaState.BROKEN) downs.add(replica + " " + to + ": " + error);
            }
        });
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE item (id BIGINT PRIMARY KEY, v INT NOT NULL)");
        }
        HikariConfig cfg = new HikariConfig();
        cfg.setDataSource(ds);
        cfg.setMaximumPoolSize(10); // Spring Boot's default
        cfg.setMinimumIdle(10);
        cfg.setConnectionTimeout(10_000);
        cfg.setPoolName("application");
        outer = new HikariDataSource(cfg);

        // every outer connection writes once and stays open, holding its primary connection
        List<Connection> held = new ArrayList<>();
        AtomicLong ids = new AtomicLong();
        for (int i = 0; i < 10; i++) {
            Connection c = outer.getConnection();
            assertThat(c.isValid(1)).isTrue();
            insert(c, ids.incrementAndGet());
            held.add(c);
        }
        // ... and keeps writing and reading from 10 threads through the same logical connections
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<Integer>> work = new ArrayList<>();
            for (Connection c : held) {
                work.add(pool.submit(() -> {
                    int rows = 0;
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    while (System.nanoTime() < end) {
                        insert(c, ids.incrementAndGet());
                        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM item")) {
                            rs.next();
                            rows = rs.getInt(1);
                        }
                    }
                    return rows;
                }));
            }
            for (Future<Integer> f : work) assertThat(f.get(60, TimeUnit.SECONDS)).isPositive();
            // with every logical connection of the outer pool still open and pinned, the replicas catch up
            assertThat(ds.awaitReplication(Duration.ofSeconds(30))).as("replicas caught up: %s", ds.status()).isTrue();
        } finally {
            pool.shutdownNow();
            for (Connection c : held) c.close();
        }
        // a borrow-use-return cycle through the outer pool, as a request would, still works
        try (Connection c = outer.getConnection()) {
            insert(c, ids.incrementAndGet());
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(30))).isTrue();
        assertThat(downs).as("no replica went DOWN or BROKEN").isEmpty();
        long expected = ids.get();
        try (Connection p = topo.primary()) {
            assertThat(TestTopology.count(p, "item")).isEqualTo(expected);
            List<List<String>> rows = TestTopology.dump(p, "item", "id");
            for (int i = 0; i < 2; i++) {
                try (Connection r = topo.replica(i)) {
                    assertThat(TestTopology.dump(r, "item", "id")).as("replica " + i).isEqualTo(rows);
                }
            }
        }
    }

    private static void insert(Connection c, long id) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO item (id, v) VALUES (?, ?)")) {
            ps.setLong(1, id);
            ps.setInt(2, (int) (id % 100));
            ps.executeUpdate();
        }
    }
}
