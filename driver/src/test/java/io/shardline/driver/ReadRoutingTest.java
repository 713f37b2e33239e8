package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Balancing, health, lag and read-your-writes, measured on what each node actually served. */
class ReadRoutingTest {

    @AutoClose
    TestTopology topo;
    ShardlineDataSource ds;

    /** Builds the topology and table kv with one row, replicated. */
    private void start(TestTopology.Builder topology) throws Exception {
        topo = topology.build();
        ds = topo.dataSource();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE kv (k INT PRIMARY KEY, v INT)");
            st.execute("INSERT INTO kv VALUES (1, 0)");
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
    }

    private Map<String, Long> reads() {
        Map<String, Long> m = new HashMap<>();
        for (NodeStatus n : ds.status()) m.put(n.node(), n.reads());
        return m;
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new HashMap<>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
        return d;
    }

    private void readMany(int n) throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT v FROM kv WHERE k = ?")) {
            for (int i = 0; i < n; i++) {
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                }
            }
        }
    }

    @Test
    void roundRobinSpreadsEvenlyOverThreeReplicas() throws Exception {
        start(TestTopology.on(Engine.H2).replicas(3));
        Map<String, Long> before = reads();
        readMany(3000);
        Map<String, Long> d = delta(before, reads());
        assertThat(d.get("primary")).isZero();
        for (int i = 0; i < 3; i++) assertThat(d.get("replica-" + i) / 3000.0).isBetween(0.28, 0.38);
    }

    @Test
    void weightedSplitsOneToTwo() throws Exception {
        start(TestTopology.on(Engine.H2).replicas(2).reads("balancer", "weighted").weight("replica-1", 2));
        Map<String, Long> before = reads();
        readMany(3000);
        Map<String, Long> d = delta(before, reads());
        assertThat(d.get("replica-0") / 3000.0).isBetween(0.28, 0.38);
        assertThat(d.get("replica-1") / 3000.0).isBetween(0.62, 0.72);
    }

    @Test
    void aStoppedReplicaCostsNoFailedReadAndServesAgainWhenBack() throws Exception {
        start(TestTopology.on(Engine.H2).replicas("local", "remote").interruptible("remote")
                .pool("remote", "connectionTimeout: 300").retry("50ms", "400ms"));
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong done = new AtomicLong();
        Thread reader = new Thread(() -> {
            try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT v FROM kv WHERE k = 1")) {
                while (running.get()) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        rs.getInt(1);
                    }
                    done.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        Thread.sleep(300);
        assertThat(reads().get("remote")).isPositive();
        topo.takeDown("remote");
        Thread.sleep(500); // the first failing reads eject it; the applier marks it DOWN
        long remoteWhileDown = reads().get("remote");
        long doneWhileDown = done.get();
        Thread.sleep(700);
        assertThat(reads().get("remote")).isEqualTo(remoteWhileDown);
        assertThat(done.get()).isGreaterThan(doneWhileDown); // reads went on elsewhere
        topo.bringUp("remote");
        long backAt = reads().get("remote");
        for (int i = 0; i < 100 && reads().get("remote") == backAt; i++) Thread.sleep(50);
        running.set(false);
        reader.join(5000);
        assertThat(failure.get()).isNull();
        assertThat(reads().get("remote")).as(ds.status().toString()).isGreaterThan(backAt);
    }

    @Test
    void aReplicaBehindMaxLagGetsNoReads() throws Exception {
        start(TestTopology.on(Engine.H2).replicas(2).reads("consistency", "eventual").reads("maxLag", "300ms"));
        ds.pauseReplica("replica-0");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE kv SET v = 1 WHERE k = 1");
        }
        Thread.sleep(1600); // > maxLag, and at least one maintenance round measured the lag
        Map<String, Long> before = reads();
        readMany(300);
        Map<String, Long> d = delta(before, reads());
        assertThat(d.get("replica-0")).isZero();
        assertThat(d.get("replica-1")).isEqualTo(300);
        ds.unpauseReplica("replica-0");
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        before = reads();
        readMany(300);
        assertThat(delta(before, reads()).get("replica-0")).isPositive();
    }

    @Test
    void readYourWritesNeverReadsStaleValuesYetUsesCaughtUpReplicas() throws Exception {
        start(TestTopology.on(Engine.H2).replicas(2));
        Map<String, Long> before = reads();
        try (Connection c = ds.getConnection();
             PreparedStatement up = c.prepareStatement("UPDATE kv SET v = ? WHERE k = 1");
             PreparedStatement get = c.prepareStatement("SELECT v FROM kv WHERE k = 1")) {
            for (int i = 1; i <= 1000; i++) {
                up.setInt(1, i);
                up.executeUpdate();
                for (int r = 0; r < 3; r++) {
                    try (ResultSet rs = get.executeQuery()) {
                        rs.next();
                        assertThat(rs.getInt(1)).as("iteration %d read %d", i, r).isEqualTo(i);
                    }
                    if (r == 0) Thread.onSpinWait();
                    else Thread.sleep(0, 200_000);
                }
            }
        }
        Map<String, Long> d = delta(before, reads());
        long replicaReads = d.get("replica-0") + d.get("replica-1");
        assertThat(replicaReads + d.get("primary")).isEqualTo(3000);
        assertThat(replicaReads).as("reads served by caught-up replicas").isGreaterThan(300);
    }

    @Test
    void aSessionTokenCarriesReadYourWritesToAnotherConnection() throws Exception {
        // per-connection scope: another connection of the same instance does not see the commit by itself
        start(TestTopology.on(Engine.H2).replicas(2).reads("scope", "connection"));
        pauseReplicas();
        String token;
        try (Connection a = ds.getConnection(); Statement st = a.createStatement()) {
            st.executeUpdate("UPDATE kv SET v = 42 WHERE k = 1");
            token = a.unwrap(ShardlineSession.class).sessionToken();
        }
        assertThat(token).startsWith("s0:");
        try (Connection b = ds.getConnection(); Statement st = b.createStatement()) {
            assertThat(value(st)).as("without the token: a (paused, stale) replica").isEqualTo(0);
            b.unwrap(ShardlineSession.class).resumeSession(token);
            assertThat(value(st)).as("with the token: never older than the write").isEqualTo(42);
        }
        unpauseReplicas();
    }

    @Test
    void byDefaultEveryConnectionOfTheInstanceReadsItsCommits() throws Exception {
        start(TestTopology.on(Engine.H2).replicas(2));
        pauseReplicas();
        Map<String, Long> before = reads();
        for (int i = 1; i <= 20; i++) {
            // a write on one pooled connection, the read on another: the Spring Data save/findById case
            try (Connection a = ds.getConnection(); Statement st = a.createStatement()) {
                st.executeUpdate("UPDATE kv SET v = " + i + " WHERE k = 1");
            }
            try (Connection b = ds.getConnection(); Statement st = b.createStatement()) {
                assertThat(value(st)).as("read after commit " + i).isEqualTo(i);
            }
        }
        Map<String, Long> after = reads();
        assertThat(after.get("replica-0") + after.get("replica-1"))
                .as("no read went to a replica that had not applied the commits")
                .isEqualTo(before.get("replica-0") + before.get("replica-1"));
        unpauseReplicas();
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        try (Connection b = ds.getConnection(); Statement st = b.createStatement()) {
            assertThat(value(st)).isEqualTo(20);
        }
        assertThat(reads().get("replica-0") + reads().get("replica-1"))
                .as("once caught up, reads go to the replicas again").isGreaterThan(after.get("replica-0") + after.get("replica-1"));
    }

    @Test
    void aThreadScopeCarriesReadYourWritesAcrossInstances() throws Exception {
        // two application instances (two runtimes) on the same physical databases
        start(TestTopology.on(Engine.H2).replicas(2));
        try (ShardlineDataSource other = ShardlineDataSource.fromYaml(topo.yaml())) {
            pauseReplicas();
            other.pauseReplica("replica-0");
            other.pauseReplica("replica-1");
            String token;
            try (ShardlineSession.Scope request = ShardlineSession.begin(null)) {
                try (Connection a = ds.getConnection(); Statement st = a.createStatement()) {
                    st.executeUpdate("UPDATE kv SET v = 7 WHERE k = 1");
                }
                token = request.token();
            }
            assertThat(token).matches("s0:[0-9]+");
            try (Connection b = other.getConnection(); Statement st = b.createStatement()) {
                assertThat(value(st)).as("the other instance without the token: a stale replica").isEqualTo(0);
            }
            try (ShardlineSession.Scope request = ShardlineSession.begin(token);
                 Connection b = other.getConnection(); Statement st = b.createStatement()) {
                assertThat(value(st)).as("with the token").isEqualTo(7);
                assertThat(request.token()).isEqualTo(token);
            }
            try (Connection b = other.getConnection(); Statement st = b.createStatement()) {
                assertThat(value(st)).as("the scope ended: stale again").isEqualTo(0);
            }
            other.unpauseReplica("replica-0");
            other.unpauseReplica("replica-1");
        }
        unpauseReplicas();
        assertThatThrownBy(() -> ShardlineSession.begin("s0:x")).isInstanceOf(SQLException.class)
                .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("22023");
    }

    private void pauseReplicas() {
        ds.pauseReplica("replica-0");
        ds.pauseReplica("replica-1");
    }

    private void unpauseReplicas() {
        ds.unpauseReplica("replica-0");
        ds.unpauseReplica("replica-1");
    }

    private static int value(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT v FROM kv WHERE k = 1")) {
            assertThat(rs.next()).isTrue();
            return rs.getInt(1);
        }
    }
}
