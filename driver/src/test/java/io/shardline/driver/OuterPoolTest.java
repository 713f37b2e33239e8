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

    @PerEngine(postgresql = true)
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

    /**
     * Outer pools of 10, 50 and 200 over Shardline's default pools of 10: half of the outer
     * connections are borrowed, write once and then sit idle for the whole run (as connections
     * parked in a request or a long job would), while workers borrow the rest, write (auto-commit
     * and in transactions), read and return them. Shardline's pool gives up on a wait after 2 s,
     * so a logical connection keeping its physical one while idle would make the eleventh fail.
     */
    @PerEngine(postgresql = true)
    void outerPoolsLargerThanShardlinesNeverStarveIt(Engine engine) throws Exception {
        topo = TestTopology.on(engine).replicas(1).pool("primary", "connectionTimeout: 2000")
                .pool("replica-0", "connectionTimeout: 2000").build();
        ShardlineDataSource ds = topo.dataSource();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE item (id BIGINT PRIMARY KEY, v INT NOT NULL)");
        }
        AtomicLong ids = new AtomicLong();
        for (int size : new int[] {10, 50, 200}) {
            HikariConfig cfg = new HikariConfig();
            cfg.setDataSource(ds);
            cfg.setMaximumPoolSize(size);
            cfg.setConnectionTimeout(10_000);
            cfg.setPoolName("application-" + size);
            try (HikariDataSource app = new HikariDataSource(cfg)) {
                List<Connection> idle = new ArrayList<>();
                try {
                    for (int i = 0; i < size / 2; i++) {
                        Connection c = app.getConnection();
                        insert(c, ids.incrementAndGet());
                        if (i % 2 == 1) { // some in a transaction that committed
                            c.setAutoCommit(false);
                            insert(c, ids.incrementAndGet());
                            c.commit();
                        }
                        idle.add(c);
                    }
                    int workers = Math.min(16, size - size / 2);
                    ExecutorService pool = Executors.newFixedThreadPool(workers);
                    try {
                        List<Future<Integer>> work = new ArrayList<>();
                        for (int w = 0; w < workers; w++) {
                            work.add(pool.submit(() -> {
                                int requests = 0;
                                long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                                while (System.nanoTime() < end) {
                                    try (Connection c = app.getConnection()) {
                                        insert(c, ids.incrementAndGet());
                                        c.setAutoCommit(false);
                                        insert(c, ids.incrementAndGet());
                                        c.commit();
                                        c.setAutoCommit(true);
                                        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM item")) {
                                            rs.next();
                                        }
                                    }
                                    requests++;
                                }
                                return requests;
                            }));
                        }
                        for (Future<Integer> f : work) assertThat(f.get(60, TimeUnit.SECONDS)).isPositive();
                    } finally {
                        pool.shutdownNow();
                    }
                    // the idle ones are still usable (one after the other: an open transaction holds its connection)
                    for (Connection c : idle) {
                        insert(c, ids.incrementAndGet());
                        if (!c.getAutoCommit()) c.commit();
                    }
                } finally {
                    for (Connection c : idle) c.close();
                }
            }
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(30))).as("replicas caught up: %s", ds.status()).isTrue();
        try (Connection p = topo.primary(); Connection r = topo.replica(0)) {
            assertThat(TestTopology.count(p, "item")).isEqualTo(ids.get());
            assertThat(TestTopology.dump(r, "item", "id")).isEqualTo(TestTopology.dump(p, "item", "id"));
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
