package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import io.shardline.replication.ReplicationListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AutoClose;

/** Poison entries, log pruning, synchronous acknowledgement and scheduled apply, on every engine. */
class ReplicationFaultTest {

    @AutoClose
    TestTopology topo;
    ShardlineDataSource ds;

    /** Two replicas and table acct; {@code settings} adds replication settings. */
    void start(TestTopology.Builder settings) throws Exception {
        topo = settings.replicas(2).build();
        ds = topo.dataSource();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE acct (id INT PRIMARY KEY, owner VARCHAR(20), balance INT)" + topo.engine().tableOptions());
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(20))).isTrue();
    }

    @PerEngine(postgresql = true)
    void aConstraintViolationHaltsOneReplicaUntilTheOperatorFixesAndResumesIt(Engine engine) throws Exception {
        start(TestTopology.on(engine).retry("20ms", "200ms"));
        List<String> events = new CopyOnWriteArrayList<>();
        ds.addListener(new ReplicationListener() {
            @Override
            public void broken(String replica, long position, String error) {
                events.add("broken " + replica + " at " + position);
            }
        });
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO acct VALUES (1, 'a', 10)");
            st.executeUpdate("INSERT INTO acct VALUES (7, 'b', 20)");
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        // a row deleted behind Shardline's back on replica-0 only: the replicated update finds nothing
        try (Connection r = topo.replica(0); Statement st = r.createStatement()) {
            st.execute("DELETE FROM acct WHERE id = 7");
        }
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE acct SET balance = 21 WHERE id = 7"); // poison for replica-0
            st.executeUpdate("UPDATE acct SET balance = balance + 1 WHERE id = 1");
        }
        NodeStatus broken = awaitState("replica-0", "BROKEN");
        assertThat(broken.lastError()).contains("log entry " + (broken.position() + 1)).contains("diverged");
        assertThat(events).containsExactly("broken replica-0 at " + (broken.position() + 1));
        // the other replica went on; writes went on
        assertThat(topo.awaitCaughtUp("replica-1").lagEntries()).isZero();
        try (Connection p = topo.primary(); Connection r1 = topo.replica(1)) {
            assertThat(TestTopology.dump(r1, "acct", "id")).isEqualTo(TestTopology.dump(p, "acct", "id"));
        }
        // nothing after the poison entry reached replica-0: the update of row 1 did not
        try (Connection r0 = topo.replica(0)) {
            assertThat(TestTopology.dump(r0, "acct", "id")).extracting(row -> row.get(2)).containsExactly("10");
        }
        // the operator restores the row and resumes: replica-0 converges
        try (Connection r = topo.replica(0); Statement st = r.createStatement()) {
            st.execute("INSERT INTO acct VALUES (7, 'b', 20)");
        }
        ds.resumeReplica("replica-0");
        assertThat(ds.awaitReplication(Duration.ofSeconds(20))).isTrue();
        try (Connection p = topo.primary(); Connection r0 = topo.replica(0); Connection r1 = topo.replica(1)) {
            assertThat(TestTopology.dump(r0, "acct", "id")).isEqualTo(TestTopology.dump(p, "acct", "id"));
            assertThat(TestTopology.dump(r1, "acct", "id")).isEqualTo(TestTopology.dump(p, "acct", "id"));
        }
        assertThat(awaitState("replica-0", "HEALTHY").lastError()).isNotNull();
    }

    /**
     * Inserts are applied in JDBC batches across entries; a row that fails inside a batch must
     * still halt the replica at its own entry, with every entry before it applied.
     */
    @PerEngine(postgresql = true)
    void aRowThatFailsInsideABatchHaltsTheReplicaAtItsOwnEntry(Engine engine) throws Exception {
        start(TestTopology.on(engine).retry("20ms", "200ms"));
        // a constraint only replica-0 has: the 41st row breaks it
        try (Connection r = topo.replica(0); Statement st = r.createStatement()) {
            st.execute("ALTER TABLE acct ADD CONSTRAINT small CHECK (balance < 40)");
        }
        ds.pauseReplica("replica-0"); // the 50 entries wait, so that one round takes them all
        long before40 = 0;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (int i = 0; i < 50; i++) {
                st.executeUpdate("INSERT INTO acct VALUES (" + i + ", 'o" + i + "', " + i + ")");
                if (i == 39) before40 = topo.status(topo.primaryName(0)).position();
            }
        }
        ds.unpauseReplica("replica-0");
        NodeStatus broken = awaitState("replica-0", "BROKEN");
        assertThat(broken.brokenPosition()).as(broken.lastError()).isEqualTo(before40 + 1);
        assertThat(broken.position()).isEqualTo(before40);
        try (Connection r0 = topo.replica(0)) {
            assertThat(TestTopology.count(r0, "acct")).as("the entries before it are applied").isEqualTo(40);
        }
        try (Connection r = topo.replica(0); Statement st = r.createStatement()) {
            st.execute(engine != Engine.H2 ? "ALTER TABLE acct DROP CONSTRAINT small" : "ALTER TABLE acct DROP CONSTRAINT \"SMALL\"");
        }
        ds.resumeReplica("replica-0");
        assertThat(ds.awaitReplication(Duration.ofSeconds(20))).isTrue();
        try (Connection p = topo.primary(); Connection r0 = topo.replica(0)) {
            assertThat(TestTopology.dump(r0, "acct", "id")).isEqualTo(TestTopology.dump(p, "acct", "id")).hasSize(50);
        }
    }

    /** A paused replica says so (not its last state), applies nothing, and catches up when unpaused. */
    @PerEngine(postgresql = true)
    void aPausedReplicaSaysSoAndCatchesUpWhenUnpaused(Engine engine) throws Exception {
        start(TestTopology.on(engine));
        ds.pauseReplica("replica-0");
        assertThat(topo.status("replica-0").state()).isEqualTo("PAUSED");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (int i = 0; i < 5; i++) st.executeUpdate("INSERT INTO acct VALUES (" + i + ", 'p', " + i + ")");
        }
        assertThat(topo.awaitCaughtUp("replica-1").lagEntries()).isZero();
        Thread.sleep(300);
        assertThat(topo.status("replica-0").state()).isEqualTo("PAUSED");
        try (Connection r0 = topo.replica(0)) {
            assertThat(TestTopology.count(r0, "acct")).as("nothing applied while paused").isZero();
        }
        ds.unpauseReplica("replica-0");
        assertThat(awaitState("replica-0", "HEALTHY").state()).isEqualTo("HEALTHY");
        assertThat(ds.awaitReplication(Duration.ofSeconds(20))).isTrue();
        try (Connection p = topo.primary(); Connection r0 = topo.replica(0)) {
            assertThat(TestTopology.dump(r0, "acct", "id")).isEqualTo(TestTopology.dump(p, "acct", "id")).hasSize(5);
        }
    }

    /**
     * Two runtimes apply to the same replica (two application instances, or an application and a
     * replicator); both halt BROKEN at the same entry. The operator fixes the replica and resumes it
     * in one of them only: the other notices the watermark passed its halting entry and goes on.
     */
    @PerEngine(postgresql = true)
    void aResumeInOneProcessEndsTheHaltInTheOthers(Engine engine) throws Exception {
        start(TestTopology.on(engine).retry("20ms", "200ms"));
        try (ShardlineDataSource other = ShardlineDataSource.fromYaml(topo.yaml())) {
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO acct VALUES (7, 'b', 20)");
            }
            assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
            try (Connection r = topo.replica(0); Statement st = r.createStatement()) {
                st.execute("DELETE FROM acct WHERE id = 7"); // drift: the next update finds nothing
            }
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE acct SET balance = 21 WHERE id = 7");
            }
            awaitState("replica-0", "BROKEN");
            NodeStatus otherBroken = awaitOther(other, "BROKEN");
            assertThat(otherBroken.brokenPosition()).isPositive();
            try (Connection r = topo.replica(0); Statement st = r.createStatement()) {
                st.execute("INSERT INTO acct VALUES (7, 'b', 20)");
            }
            ds.resumeReplica("replica-0");
            assertThat(ds.awaitReplication(Duration.ofSeconds(20))).isTrue();
            assertThat(awaitOther(other, "HEALTHY").state()).as("the other runtime goes on by itself").isEqualTo("HEALTHY");
            try (Connection c = other.getConnection(); Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE acct SET balance = 22 WHERE id = 7");
            }
            assertThat(other.awaitReplication(Duration.ofSeconds(20))).isTrue();
            try (Connection p = topo.primary(); Connection r0 = topo.replica(0)) {
                assertThat(TestTopology.dump(r0, "acct", "id")).isEqualTo(TestTopology.dump(p, "acct", "id"));
            }
        }
    }

    private static NodeStatus awaitOther(ShardlineDataSource other, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        NodeStatus s;
        while (!(s = other.nodeStatus("replica-0")).state().equals(state)) {
            assertThat(System.nanoTime() - deadline).as("replica-0 in the other runtime: %s", s).isNegative();
            Thread.sleep(50);
        }
        return s;
    }

    @PerEngine(postgresql = true)
    void anOperatorMaySkipAPoisonEntryExplicitly(Engine engine) throws Exception {
        start(TestTopology.on(engine).retry("20ms", "200ms"));
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO acct VALUES (7, 'b', 20)");
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        try (Connection r = topo.replica(0); Statement st = r.createStatement()) {
            st.execute("DELETE FROM acct WHERE id = 7");
        }
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE acct SET balance = 21 WHERE id = 7");
            st.executeUpdate("INSERT INTO acct VALUES (8, 'c', 30)");
        }
        NodeStatus broken = awaitState("replica-0", "BROKEN");
        assertThat(ds.skipBrokenEntry("replica-0")).isEqualTo(broken.position() + 1);
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        try (Connection r0 = topo.replica(0)) {
            // the skipped update's row is still missing, the next entry was applied
            assertThat(TestTopology.dump(r0, "acct", "id")).containsExactly(List.of("8", "c", "30"));
        }
    }

    @PerEngine(postgresql = true)
    void appliedEntriesArePrunedAndAStalledReplicaRaisesTheLogSizeAlert(Engine engine) throws Exception {
        start(TestTopology.on(engine).replication("logAlertEntries", "50"));
        List<String> alerts = new CopyOnWriteArrayList<>();
        ds.addListener(new ReplicationListener() {
            @Override
            public void logTooLarge(String shard, long entries, long limit) {
                alerts.add(shard + ":" + limit);
            }
        });
        ds.pauseReplica("replica-1");
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO acct VALUES (?, 'x', 0)")) {
            for (int i = 0; i < 100; i++) {
                ps.setInt(1, i);
                ps.executeUpdate();
            }
        }
        for (int i = 0; i < 60 && alerts.isEmpty(); i++) Thread.sleep(100);
        assertThat(alerts).containsExactly("s0:50");
        NodeStatus primary = topo.status("primary");
        assertThat(primary.logEntries()).isGreaterThan(50);
        // nothing replica-1 still needs was pruned
        try (Connection p = topo.primary()) {
            assertThat(logRows(p)).isGreaterThanOrEqualTo(100);
        }
        ds.unpauseReplica("replica-1");
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        try (Connection p = topo.primary()) {
            long rows = logRows(p);
            for (int i = 0; i < 50 && rows > 0; i++) {
                Thread.sleep(100);
                rows = logRows(p);
            }
            assertThat(rows).isZero();
        }
        try (Connection p = topo.primary(); Connection r1 = topo.replica(1)) {
            assertThat(TestTopology.dump(r1, "acct", "id")).isEqualTo(TestTopology.dump(p, "acct", "id"));
        }
    }

    private long logRows(Connection primary) throws Exception {
        return TestTopology.count(primary, topo.engine().shardlineTable(primary, "commits"));
    }

    @PerEngine(postgresql = true)
    void syncCommitsReturnOnlyWhenEveryReplicaHasTheRow(Engine engine) throws Exception {
        start(TestTopology.on(engine).mode("sync").ackReplicas("all").ackTimeout("5s"));
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO acct VALUES (?, 'x', ?)");
             Connection r0 = topo.replica(0); Connection r1 = topo.replica(1)) {
            for (int i = 0; i < 200; i++) {
                ps.setInt(1, i);
                ps.setInt(2, i);
                ps.executeUpdate();
                // read the physical replicas right after the commit returned
                assertThat(TestTopology.count(r0, "acct")).isEqualTo(i + 1);
                assertThat(TestTopology.count(r1, "acct")).isEqualTo(i + 1);
            }
        }
        assertThat(ds.ackTimeouts()).isZero();
    }

    @PerEngine(postgresql = true)
    void aSyncCommitThatTimesOutDegradesToAsyncAndIsCounted(Engine engine) throws Exception {
        start(TestTopology.on(engine).mode("sync").ackReplicas("all").ackTimeout("300ms"));
        ds.pauseReplica("replica-1");
        long t0 = System.nanoTime();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO acct VALUES (1, 'late', 1)");
        }
        long took = (System.nanoTime() - t0) / 1_000_000;
        assertThat(took).isBetween(250L, 3000L);
        assertThat(ds.ackTimeouts()).isEqualTo(1);
        ds.unpauseReplica("replica-1");
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        try (Connection r1 = topo.replica(1)) {
            assertThat(TestTopology.count(r1, "acct")).isEqualTo(1);
        }
    }

    @PerEngine(postgresql = true)
    void scheduledApplyWaitsForTheIntervalThenAppliesInOneBatch(Engine engine) throws Exception {
        start(TestTopology.on(engine).applyInterval("2s"));
        // let the appliers settle into their schedule after the CREATE TABLE
        Thread.sleep(300);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO acct VALUES (?, 'x', 0)")) {
            for (int i = 0; i < 20; i++) {
                ps.setInt(1, i);
                ps.executeUpdate();
            }
        }
        try (Connection r0 = topo.replica(0)) {
            assertThat(TestTopology.count(r0, "acct")).isLessThan(20);
            assertThat(ds.awaitReplication(Duration.ofSeconds(5))).isTrue();
            assertThat(TestTopology.count(r0, "acct")).isEqualTo(20);
        }
    }

    private NodeStatus awaitState(String node, String state) throws Exception {
        NodeStatus s = topo.awaitState(node, state);
        assertThat(s.state()).isEqualTo(state);
        return s;
    }
}
