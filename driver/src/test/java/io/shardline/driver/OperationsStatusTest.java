package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.Predicate;
import org.h2.tools.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ShardlineDataSource#status()} as an operator reads it: states, lag, apply rate, errors. */
class OperationsStatusTest {

    @TempDir
    Path dir;

    @Test
    void aStoppedReplicaIsDownWithinSecondsAndHealthyAgainOnceCaughtUp() throws Exception {
        int port = ReplicaOutageTest.freePort();
        Path base = Files.createDirectories(dir.resolve("replica-server"));
        Server server = ReplicaOutageTest.startServer(port, base);
        String prefix = "ops" + System.nanoTime();
        Path yaml = dir.resolve("topology.yaml");
        Files.writeString(yaml, "dataSources:\n"
                + "  primary: { url: \"jdbc:h2:mem:" + prefix + "_p;DB_CLOSE_DELAY=-1\", username: sa }\n"
                + "  stable: { url: \"jdbc:h2:mem:" + prefix + "_s;DB_CLOSE_DELAY=-1\", username: sa }\n"
                + "  remote: { url: \"jdbc:h2:tcp://127.0.0.1:" + port + "/./" + prefix + "_r\", username: sa,"
                + " pool: { connectionTimeout: 500 } }\n"
                + "shards:\n  s0: { primary: primary, replicas: [stable, remote] }\n"
                + "replication: { retry: { initialBackoff: 50ms, maxBackoff: 500ms } }\n");
        try (ShardlineDataSource ds = ShardlineDataSource.fromYaml(yaml)) {
            assertThat(ds.awaitStatus(Duration.ofSeconds(10))).isTrue();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE reading (id INT PRIMARY KEY, val INT)");
            }
            assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
            ShardlineStatus before = awaitStatus(ds, "remote", n -> n.state().equals("HEALTHY"));
            assertThat(before.healthy()).isTrue();
            // (a slow first connection may already have left a lastError: it stays, as a record)
            long errorBefore = before.node("remote").orElseThrow().lastErrorAt() == null ? 0
                    : before.node("remote").orElseThrow().lastErrorAt().toEpochMilli();

            server.stop();
            long stoppedAt = System.nanoTime();
            write(ds, 0, 200);
            ShardlineStatus down = awaitStatus(ds, "remote", n -> n.state().equals("DOWN"));
            long detectedMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
            NodeStatus remote = down.node("remote").orElseThrow();
            assertThat(remote.state()).as("%s", down).isEqualTo("DOWN");
            // typically well under 2 s (pool connectionTimeout 500 ms); generous for loaded CI machines
            assertThat(detectedMillis).as("DOWN detected after %d ms", detectedMillis).isLessThan(8000);
            assertThat(down.healthy()).isFalse();
            assertThat(down.anyDown()).isTrue();
            assertThat(down.anyBroken()).isFalse();
            assertThat(remote.lastError()).isNotBlank();
            assertThat(remote.lastErrorAt()).isNotNull();
            assertThat(remote.lastErrorAt().toEpochMilli()).isGreaterThan(errorBefore);
            assertThat(remote.lagEntries()).isPositive();
            // the log maintenance measures the age of the oldest unapplied entry once a second
            NodeStatus lagging = awaitStatus(ds, "remote", n -> n.lagSeconds() > 0).node("remote").orElseThrow();
            assertThat(lagging.lagSeconds()).as("%s", lagging).isPositive();
            NodeStatus primary = ds.nodeStatus("primary");
            assertThat(primary.state()).isEqualTo("HEALTHY");
            assertThat(primary.logEntries()).as("the log keeps what remote has not applied").isGreaterThanOrEqualTo(remote.lagEntries());
            NodeStatus stable = ReplicaOutageTest.awaitCaughtUp(ds, "stable");
            assertThat(stable.state()).isIn("HEALTHY", "CATCHING_UP");
            assertThat(stable.lagEntries()).isZero();
            assertThat(stable.appliedEntries()).isGreaterThanOrEqualTo(201);
            assertThat(stable.applyRate()).as("%s", stable).isPositive();

            server = ReplicaOutageTest.startServer(port, base);
            assertThat(ds.awaitReplication(Duration.ofSeconds(30))).isTrue();
            ShardlineStatus back = awaitStatus(ds, "remote", n -> n.state().equals("HEALTHY"));
            NodeStatus r = back.node("remote").orElseThrow();
            assertThat(r.state()).as("%s", back).isEqualTo("HEALTHY");
            assertThat(r.lagEntries()).isZero();
            assertThat(r.position()).isEqualTo(back.node("primary").orElseThrow().position());
            assertThat(r.applyRate()).isPositive();
            assertThat(back.healthy()).isTrue();
            // lag seconds fall back to 0 at the next maintenance round
            assertThat(awaitStatus(ds, "remote", n -> n.lagSeconds() == 0).node("remote").orElseThrow().lagSeconds()).isZero();
        } finally {
            server.stop();
        }
    }

    @Test
    void statusReportFieldsAndApplyRate() throws Exception {
        TestTopologies.H2 t = new TestTopologies.H2(dir, 1, null);
        try (ShardlineDataSource ds = ShardlineDataSource.fromYaml(t.yaml)) {
            assertThat(ds.awaitStatus(Duration.ofSeconds(10))).isTrue();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE reading (id INT PRIMARY KEY, val INT)");
            }
            write(ds, 0, 200);
            assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                c.setReadOnly(true);
                st.executeQuery("SELECT COUNT(*) FROM reading").close();
            }
            ShardlineStatus s = ds.statusReport();
            assertThat(s.source()).contains(t.prefix);
            assertThat(s.nodes()).extracting(NodeStatus::node).containsExactly("primary", "replica-0");
            NodeStatus p = s.node("primary").orElseThrow();
            assertThat(p.isPrimary()).isTrue();
            assertThat(p.position()).isEqualTo(201);
            assertThat(p.writes()).isGreaterThanOrEqualTo(201);
            NodeStatus r = s.replicas().get(0);
            assertThat(r.position()).isEqualTo(201);
            assertThat(r.appliedEntries()).isEqualTo(201);
            assertThat(r.applyRate()).isBetween(1.0, 201.0 / 0.001);
            assertThat(r.reads()).isPositive();
            assertThat(r.brokenPosition()).isZero();
            assertThat(ds.nodeStatus("replica-0").node()).isEqualTo("replica-0");
        }
    }

    static void write(ShardlineDataSource ds, int from, int count) throws Exception {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO reading (id, val) VALUES (?, ?)")) {
            for (int i = from; i < from + count; i++) {
                ps.setInt(1, i);
                ps.setInt(2, i * 7);
                ps.executeUpdate();
            }
        }
    }

    /** The status once {@code node} satisfies {@code condition}, or after 15 s. */
    static ShardlineStatus awaitStatus(ShardlineDataSource ds, String node, Predicate<NodeStatus> condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        ShardlineStatus s = ds.statusReport();
        while (!condition.test(s.node(node).orElseThrow()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            s = ds.statusReport();
        }
        return s;
    }
}
