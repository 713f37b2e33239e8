package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;

/**
 * A replica whose database goes away (H2: its server stops; on a shared database server: the TCP
 * proxy Shardline reaches it through is cut, as a crashed or partitioned server would look):
 * writes go on, and it catches up when it returns.
 */
class ReplicaOutageTest {

    @PerEngine(postgresql = true)
    void writesNeverWaitForAStoppedReplicaWhichThenConverges(Engine engine) throws Exception {
        try (TestTopology topo = TestTopology.on(engine).replicas("stable", "remote").interruptible("remote")
                .retry("50ms", "500ms").build()) {
            ShardlineDataSource ds = topo.dataSource();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE reading (id INT PRIMARY KEY, sensor VARCHAR(20), val DECIMAL(12,3))" + engine.tableOptions());
            }
            assertThat(ds.awaitReplication(Duration.ofSeconds(20))).isTrue();

            topo.takeDown("remote");
            int rows = engine.onServer() ? 1000 : 5000; // a few seconds of writes on each engine
            long slowest = 0;
            try (Connection c = ds.getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO reading (id, sensor, val) VALUES (?, ?, ?)")) {
                for (int i = 0; i < rows; i++) {
                    long t0 = System.nanoTime();
                    ps.setInt(1, i);
                    ps.setString(2, "s" + (i % 7));
                    ps.setBigDecimal(3, java.math.BigDecimal.valueOf(i * 31L, 3));
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                    slowest = Math.max(slowest, System.nanoTime() - t0);
                    if (i == rows / 2) {
                        try (Statement st = c.createStatement()) {
                            st.executeUpdate("UPDATE reading SET sensor = 'moved' WHERE id < 100");
                        }
                    }
                }
            }
            assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofMillis(500));
            // the writes (no longer serialised by a commit lock) may be done before its applier tried
            NodeStatus remote = topo.awaitState("remote", "DOWN");
            assertThat(remote.state()).isEqualTo("DOWN");
            assertThat(remote.lastError()).isNotBlank();
            // the healthy replica keeps up while the other is down
            assertThat(topo.awaitCaughtUp("stable").lagEntries()).isZero();

            topo.bringUp("remote");
            assertThat(ds.awaitReplication(Duration.ofSeconds(30))).isTrue();
            try (Connection p = topo.primary(); Connection r = topo.direct("remote")) {
                assertThat(TestTopology.count(p, "reading")).isEqualTo(rows);
                assertThat(TestTopology.dump(r, "reading", "id")).isEqualTo(TestTopology.dump(p, "reading", "id"));
            }
            assertThat(topo.awaitState("remote", "HEALTHY").state()).isEqualTo("HEALTHY");
        }
    }

    /**
     * The primary goes down: a write on a connection that holds it, and one on a new connection,
     * fail with a class-08 SQLState (what Spring and HikariCP take for "connection lost": evict,
     * retry), the vendor's error kept as the cause; once it is back, writes work again.
     */
    @PerEngine(postgresql = true)
    void aPrimaryThatIsDownFailsWritesWithAConnectionClassSqlState(Engine engine) throws Exception {
        try (TestTopology topo = TestTopology.on(engine).replicas(1).interruptible("primary").build()) {
            ShardlineDataSource ds = topo.dataSource();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (id INT PRIMARY KEY)" + engine.tableOptions());
            }
            try (Connection held = ds.getConnection(); Statement st = held.createStatement()) {
                st.executeUpdate("INSERT INTO t VALUES (1)"); // holds a physical primary connection now
                topo.takeDown("primary");
                java.sql.SQLException onHeld = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
                        () -> st.executeUpdate("INSERT INTO t VALUES (2)"));
                assertThat(onHeld.getSQLState()).as(onHeld.toString()).startsWith("08");
                java.sql.SQLException onNew = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class, () -> {
                    try (Connection c = ds.getConnection(); Statement s2 = c.createStatement()) {
                        s2.executeUpdate("INSERT INTO t VALUES (3)");
                    }
                });
                assertThat(onNew.getSQLState()).as(onNew.toString()).startsWith("08");
            }
            topo.bringUp("primary");
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (true) {
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    st.executeUpdate("INSERT INTO t VALUES (4)");
                    break;
                } catch (java.sql.SQLException e) {
                    assertThat(e.getSQLState()).as(e.toString()).startsWith("08");
                    assertThat(System.nanoTime()).as("writes work again once the primary is back").isLessThan(deadline);
                    Thread.sleep(100);
                }
            }
            assertThat(ds.awaitReplication(Duration.ofSeconds(30))).isTrue();
            try (Connection r = topo.replica(0)) {
                assertThat(TestTopology.dump(r, "t", "id")).containsExactly(java.util.List.of("1"), java.util.List.of("4"));
            }
        }
    }

    /**
     * Only the primary is down; the replicas are up and caught up: an auto-commit read on a new
     * connection and on one that wrote before is served by a replica at once — it does not wait
     * for the primary's pool.
     */
    @PerEngine(postgresql = true)
    void readsDoNotWaitForAPrimaryThatIsDown(Engine engine) throws Exception {
        try (TestTopology topo = TestTopology.on(engine).replicas(1).interruptible("primary")
                .pool("primary", "connectionTimeout: 30000").build()) {
            ShardlineDataSource ds = topo.dataSource();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE t (id INT PRIMARY KEY)" + engine.tableOptions());
                st.executeUpdate("INSERT INTO t VALUES (1)");
            }
            assertThat(ds.awaitReplication(Duration.ofSeconds(20))).isTrue();
            try (Connection wrote = ds.getConnection(); Statement ws = wrote.createStatement()) {
                ws.executeUpdate("INSERT INTO t VALUES (2)");
                assertThat(ds.awaitReplication(Duration.ofSeconds(20))).isTrue();
                topo.takeDown("primary");
                for (Statement st : new Statement[] {ws, null}) {
                    long start = System.nanoTime();
                    try (Connection fresh = st == null ? ds.getConnection() : null;
                         Statement s = st != null ? st : fresh.createStatement();
                         java.sql.ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM t")) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getInt(1)).isEqualTo(2);
                    }
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a read while the primary is down")
                            .isLessThan(Duration.ofSeconds(2));
                }
            }
        }
    }

    /**
     * Pool starvation from inside: the application holds every pooled connection to the replica
     * (read-only transactions) and to the primary (open write transactions). Replication must go
     * on: the appliers and log maintenance have connections of their own that application traffic
     * cannot take.
     */
    @PerEngine(postgresql = true)
    void anApplicationHoldingEveryPooledConnectionDoesNotStopReplication(Engine engine) throws Exception {
        try (TestTopology topo = TestTopology.on(engine).replicas(1)
                .pool("primary", "maximumPoolSize: 3, connectionTimeout: 300")
                .pool("replica-0", "maximumPoolSize: 2, connectionTimeout: 300").build()) {
            ShardlineDataSource ds = topo.dataSource();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE held (id INT PRIMARY KEY, v INT)" + engine.tableOptions());
            }
            assertThat(ds.awaitReplication(Duration.ofSeconds(20))).isTrue();
            java.util.List<Connection> held = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) { // both replica connections, in read-only transactions
                    Connection r = ds.getConnection();
                    held.add(r);
                    r.setReadOnly(true);
                    r.setAutoCommit(false);
                    try (Statement st = r.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM held")) {
                        assertThat(rs.next()).isTrue();
                    }
                }
                ds.pauseReplica(topo.replicaName(0, 0));
                int rows = 300;
                try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO held VALUES (?, ?)")) {
                    for (int i = 0; i < rows; i++) {
                        ps.setInt(1, i);
                        ps.setInt(2, i * 7);
                        ps.executeUpdate();
                    }
                }
                for (int i = 0; i < 3; i++) { // every primary connection, in open write transactions
                    Connection w = ds.getConnection();
                    held.add(w);
                    w.setAutoCommit(false);
                    try (Statement st = w.createStatement()) {
                        st.executeUpdate("INSERT INTO held VALUES (" + (1000 + i) + ", 0)");
                    }
                }
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> st.executeUpdate("INSERT INTO held VALUES (-1, 0)"))
                            .as("the primary's pool is exhausted").isInstanceOf(java.sql.SQLException.class);
                }
                ds.unpauseReplica(topo.replicaName(0, 0));
                assertThat(ds.awaitReplication(Duration.ofSeconds(20))).as("caught up while every pooled connection is held: %s",
                        ds.status()).isTrue();
                try (Connection p = topo.primary(); Connection r = topo.replica(0)) {
                    assertThat(TestTopology.count(r, "held")).isEqualTo(rows);
                    assertThat(TestTopology.dump(r, "held", "id")).isEqualTo(TestTopology.dump(p, "held", "id"));
                }
            } finally {
                for (Connection c : held) {
                    try {
                        c.rollback();
                    } finally {
                        c.close();
                    }
                }
            }
        }
    }
}
