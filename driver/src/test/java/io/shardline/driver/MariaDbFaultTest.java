package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replication fault tests on MariaDB. One server holds every node, so a replica is taken
 * down by cutting the TCP proxy Shardline reaches it through (connections reset, new ones
 * refused), as a crashed or partitioned server would look.
 */
class MariaDbFaultTest {

    @TempDir
    Path dir;
    MariaDb db;
    ShardlineDataSource ds;
    TcpProxy proxy;

    @AfterEach
    void stop() throws Exception {
        if (ds != null) ds.close();
        if (proxy != null) proxy.close();
        if (db != null) db.close();
    }

    @Test
    void writesNeverWaitForAnUnreachableReplicaWhichThenConverges() throws Exception {
        MariaDb.assumeEnabled();
        proxy = new TcpProxy(3306);
        db = new MariaDb(dir, 2, "replication: { retry: { initialBackoff: 50ms, maxBackoff: 500ms } }\n",
                Map.of(1, proxy.port()));
        ds = ShardlineDataSource.forUrl(db.url);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE reading (id INT PRIMARY KEY, sensor VARCHAR(20), val DECIMAL(12,3)) ENGINE=InnoDB");
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(20))).isTrue();
        proxy.stop();
        long slowest = 0;
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO reading (id, sensor, val) VALUES (?, ?, ?)")) {
            for (int i = 0; i < 1000; i++) {
                long t0 = System.nanoTime();
                ps.setInt(1, i);
                ps.setString(2, "s" + (i % 7));
                ps.setBigDecimal(3, java.math.BigDecimal.valueOf(i * 31L, 3));
                ps.executeUpdate();
                slowest = Math.max(slowest, System.nanoTime() - t0);
            }
        }
        assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofMillis(500));
        for (int i = 0; i < 100 && !ReplicaOutageTest.status(ds, "replica-1").state().equals("DOWN"); i++) Thread.sleep(50);
        assertThat(ReplicaOutageTest.status(ds, "replica-1").state()).isEqualTo("DOWN");
        assertThat(ReplicaOutageTest.awaitCaughtUp(ds, "replica-0").lagEntries()).isZero();

        proxy.start();
        assertThat(ds.awaitReplication(Duration.ofSeconds(30))).isTrue();
        try (Connection p = db.primary(); Connection r = db.replica(1)) {
            assertThat(TestTopologies.count(p, "reading")).isEqualTo(1000);
            assertThat(TestTopologies.dump(r, "reading", "id")).isEqualTo(TestTopologies.dump(p, "reading", "id"));
        }
    }

    @Test
    void aConstraintViolationHaltsOneReplicaUntilResumed() throws Exception {
        db = new MariaDb(dir, 2, "replication: { retry: { initialBackoff: 20ms, maxBackoff: 200ms } }\n");
        ds = ShardlineDataSource.forUrl(db.url);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE acct (id INT PRIMARY KEY, owner VARCHAR(20), balance INT) ENGINE=InnoDB");
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(20))).isTrue();
        try (Connection r = db.replica(0); Statement st = r.createStatement()) {
            st.execute("INSERT INTO acct VALUES (7, 'intruder', 0)");
        }
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO acct VALUES (1, 'a', 10)");
            st.executeUpdate("INSERT INTO acct VALUES (7, 'b', 20)");
            st.executeUpdate("UPDATE acct SET balance = balance + 1 WHERE id = 1");
        }
        NodeStatus s = null;
        for (int i = 0; i < 100; i++) {
            s = ReplicaOutageTest.status(ds, "replica-0");
            if (s.state().equals("BROKEN")) break;
            Thread.sleep(50);
        }
        assertThat(s.state()).isEqualTo("BROKEN");
        assertThat(s.lastError()).contains("log entry " + (s.position() + 1)).containsIgnoringCase("duplicate");
        assertThat(ReplicaOutageTest.awaitCaughtUp(ds, "replica-1").lagEntries()).isZero();
        try (Connection r = db.replica(0); Statement st = r.createStatement()) {
            st.execute("DELETE FROM acct WHERE id = 7");
        }
        ds.resumeReplica("replica-0");
        assertThat(ds.awaitReplication(Duration.ofSeconds(20))).isTrue();
        try (Connection p = db.primary(); Connection r0 = db.replica(0); Connection r1 = db.replica(1)) {
            assertThat(TestTopologies.dump(r0, "acct", "id")).isEqualTo(TestTopologies.dump(p, "acct", "id"));
            assertThat(TestTopologies.dump(r1, "acct", "id")).isEqualTo(TestTopologies.dump(p, "acct", "id"));
        }
    }
}
