package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.h2.tools.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Balancing, health, lag and read-your-writes, measured on what each node actually served. */
class ReadRoutingTest {

    @TempDir
    Path dir;
    ShardlineDataSource ds;

    @AfterEach
    void stop() {
        if (ds != null) ds.close();
    }

    private TestTopologies.H2 start(int replicas, String extraYaml) throws Exception {
        TestTopologies.H2 topo = new TestTopologies.H2(dir, replicas, extraYaml);
        ds = ShardlineDataSource.forUrl(topo.url);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE kv (k INT PRIMARY KEY, v INT)");
            st.execute("INSERT INTO kv VALUES (1, 0)");
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        return topo;
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
        start(3, null);
        Map<String, Long> before = reads();
        readMany(3000);
        Map<String, Long> d = delta(before, reads());
        assertThat(d.get("primary")).isZero();
        for (int i = 0; i < 3; i++) assertThat(d.get("replica-" + i) / 3000.0).isBetween(0.28, 0.38);
    }

    @Test
    void weightedSplitsOneToTwo() throws Exception {
        TestTopologies.H2 topo = new TestTopologies.H2(dir, 2, "reads: { balancer: weighted }\n");
        // give replica-1 weight 2 by rewriting the shard line
        String yaml = Files.readString(topo.yaml).replace("replicas: [replica-0, replica-1]",
                "replicas: [replica-0, { dataSource: replica-1, weight: 2 }]");
        Files.writeString(topo.yaml, yaml);
        ds = ShardlineDataSource.forUrl(topo.url);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE kv (k INT PRIMARY KEY, v INT)");
            st.execute("INSERT INTO kv VALUES (1, 0)");
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        Map<String, Long> before = reads();
        readMany(3000);
        Map<String, Long> d = delta(before, reads());
        assertThat(d.get("replica-0") / 3000.0).isBetween(0.28, 0.38);
        assertThat(d.get("replica-1") / 3000.0).isBetween(0.62, 0.72);
    }

    @Test
    void aStoppedReplicaCostsNoFailedReadAndServesAgainWhenBack() throws Exception {
        int port = ReplicaOutageTest.freePort();
        Path base = Files.createDirectories(dir.resolve("srv"));
        Server server = ReplicaOutageTest.startServer(port, base);
        String prefix = "rr" + System.nanoTime();
        Path yaml = dir.resolve("t.yaml");
        Files.writeString(yaml, "dataSources:\n"
                + "  primary: { url: \"jdbc:h2:mem:" + prefix + "_p;DB_CLOSE_DELAY=-1\", username: sa }\n"
                + "  local: { url: \"jdbc:h2:mem:" + prefix + "_l;DB_CLOSE_DELAY=-1\", username: sa }\n"
                + "  remote: { url: \"jdbc:h2:tcp://127.0.0.1:" + port + "/./" + prefix + "_r\", username: sa,"
                + " pool: { connectionTimeout: 300 } }\n"
                + "shards:\n  s0: { primary: primary, replicas: [local, remote] }\n"
                + "replication: { retry: { initialBackoff: 50ms, maxBackoff: 400ms } }\n");
        try {
            ds = ShardlineDataSource.fromYaml(yaml);
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE kv (k INT PRIMARY KEY, v INT)");
                st.execute("INSERT INTO kv VALUES (1, 0)");
            }
            assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
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
            server.stop();
            Thread.sleep(500); // the first failing reads eject it; the applier marks it DOWN
            long remoteWhileDown = reads().get("remote");
            long doneWhileDown = done.get();
            Thread.sleep(700);
            assertThat(reads().get("remote")).isEqualTo(remoteWhileDown);
            assertThat(done.get()).isGreaterThan(doneWhileDown); // reads went on elsewhere
            server = ReplicaOutageTest.startServer(port, base);
            long backAt = reads().get("remote");
            for (int i = 0; i < 100 && reads().get("remote") == backAt; i++) Thread.sleep(50);
            running.set(false);
            reader.join(5000);
            assertThat(failure.get()).isNull();
            assertThat(reads().get("remote")).as(ds.status().toString()).isGreaterThan(backAt);
        } finally {
            server.stop();
        }
    }

    @Test
    void aReplicaBehindMaxLagGetsNoReads() throws Exception {
        start(2, "reads: { consistency: eventual, maxLag: 300ms }\n");
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
        start(2, null);
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
        // per-connection read-your-writes: with the default (reads.scope: instance) connection b would
        // already wait for a's commit, token or not
        start(2, "reads: { scope: connection }\n");
        ds.pauseReplica("replica-0");
        ds.pauseReplica("replica-1");
        String token;
        try (Connection a = ds.getConnection(); Statement st = a.createStatement()) {
            st.executeUpdate("UPDATE kv SET v = 42 WHERE k = 1");
            token = a.unwrap(ShardlineSession.class).sessionToken();
        }
        assertThat(token).startsWith("s0:");
        try (Connection b = ds.getConnection(); Statement st = b.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT v FROM kv WHERE k = 1")) {
                rs.next();
                assertThat(rs.getInt(1)).as("without the token: a (paused, stale) replica").isEqualTo(0);
            }
            b.unwrap(ShardlineSession.class).resumeSession(token);
            try (ResultSet rs = st.executeQuery("SELECT v FROM kv WHERE k = 1")) {
                rs.next();
                assertThat(rs.getInt(1)).as("with the token: never older than the write").isEqualTo(42);
            }
        }
        ds.unpauseReplica("replica-0");
        ds.unpauseReplica("replica-1");
    }
}
