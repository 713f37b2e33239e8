package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link ShardlineDataSource#status()} as an operator reads it: states, lag, apply rate, errors. */
class OperationsStatusTest {

    @Test
    void aStoppedReplicaIsDownWithinSecondsAndHealthyAgainOnceCaughtUp() throws Exception {
        try (TestTopology topo = TestTopology.on(Engine.H2).replicas("stable", "remote").interruptible("remote")
                .retry("50ms", "500ms").build()) {
            ShardlineDataSource ds = topo.dataSource();
            assertThat(ds.awaitStatus(Duration.ofSeconds(10))).isTrue();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE reading (id INT PRIMARY KEY, val INT)");
            }
            assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
            ShardlineStatus before = topo.awaitStatus("remote", n -> n.state().equals("HEALTHY"));
            assertThat(before.healthy()).isTrue();
            // (a slow first connection may already have left a lastError: it stays, as a record)
            long errorBefore = before.node("remote").orElseThrow().lastErrorAt() == null ? 0
                    : before.node("remote").orElseThrow().lastErrorAt().toEpochMilli();

            topo.takeDown("remote");
            long stoppedAt = System.nanoTime();
            write(ds, 0, 200);
            ShardlineStatus down = topo.awaitStatus("remote", n -> n.state().equals("DOWN"));
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
            NodeStatus lagging = topo.awaitNode("remote", n -> n.lagSeconds() > 0);
            assertThat(lagging.lagSeconds()).as("%s", lagging).isPositive();
            NodeStatus primary = ds.nodeStatus("primary");
            assertThat(primary.state()).isEqualTo("HEALTHY");
            assertThat(primary.logEntries()).as("the log keeps what remote has not applied").isGreaterThanOrEqualTo(remote.lagEntries());
            NodeStatus stable = topo.awaitCaughtUp("stable");
            assertThat(stable.state()).isIn("HEALTHY", "CATCHING_UP");
            assertThat(stable.lagEntries()).isZero();
            assertThat(stable.appliedEntries()).isGreaterThanOrEqualTo(201);
            assertThat(stable.applyRate()).as("%s", stable).isPositive();

            topo.bringUp("remote");
            assertThat(ds.awaitReplication(Duration.ofSeconds(30))).isTrue();
            ShardlineStatus back = topo.awaitStatus("remote", n -> n.state().equals("HEALTHY"));
            NodeStatus r = back.node("remote").orElseThrow();
            assertThat(r.state()).as("%s", back).isEqualTo("HEALTHY");
            assertThat(r.lagEntries()).isZero();
            assertThat(r.position()).isEqualTo(back.node("primary").orElseThrow().position());
            assertThat(r.applyRate()).isPositive();
            assertThat(back.healthy()).isTrue();
            // lag seconds fall back to 0 at the next maintenance round
            assertThat(topo.awaitNode("remote", n -> n.lagSeconds() == 0).lagSeconds()).isZero();
        }
    }

    @Test
    void statusReportFieldsAndApplyRate() throws Exception {
        try (TestTopology t = TestTopology.on(Engine.H2).replicas(1).build()) {
            ShardlineDataSource ds = t.dataSource();
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
            assertThat(s.source()).contains(t.id());
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
}
