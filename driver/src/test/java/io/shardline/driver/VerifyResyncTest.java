package io.shardline.driver;

import io.shardline.replication.Resync;
import io.shardline.replication.Verification;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.replication.consistency.ConsistencyVerifier;
import io.shardline.replication.consistency.ReplicaResync;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AutoClose;

/**
 * {@code verify} finds exactly a corrupted row, does not mistake a lagging replica for a
 * difference, and {@code resync} rebuilds a replica while four writers keep writing, losing
 * nothing. On every engine.
 */
class VerifyResyncTest {

    private static final int ORDERS = 3_000;
    private static final int CHUNK = 500;

    @AutoClose
    TestTopology topo;
    ShardlineDataSource ds;

    @PerEngine(postgresql = true)
    void corruptedRowIsReportedAndResyncUnderLoadRepairsIt(Engine engine) throws Exception {
        start(engine);
        corruptVerifyResync();
    }

    @PerEngine(postgresql = true)
    void lagIsNotADifference(Engine engine) throws Exception {
        start(engine);
        laggingReplicaIsBehindNotDifferent();
    }

    /**
     * Every kind of drift — a changed string, '' become NULL, a decimal's last digit, a timestamp's
     * microsecond, one byte of a binary, a missing and an extra row, a double one ulp off — is
     * found and named. On MariaDB the servers checksum the chunks (and the client drills into the
     * differing ones); on H2 the client hashes every row.
     */
    @PerEngine(postgresql = true)
    void everyKindOfDriftIsFoundAndNamed(Engine engine) throws Exception {
        start(engine);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE kinds (id INT PRIMARY KEY, s VARCHAR(20), e VARCHAR(20), d DECIMAL(12,4),"
                    + " ts TIMESTAMP(6) NULL, b " + (engine == Engine.POSTGRESQL ? "BYTEA" : "VARBINARY(16)") + ", n INT)");
            st.execute("CREATE TABLE measure (id INT PRIMARY KEY, x DOUBLE PRECISION)");
            c.setAutoCommit(false);
            try (PreparedStatement k = c.prepareStatement("INSERT INTO kinds VALUES (?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement m = c.prepareStatement("INSERT INTO measure VALUES (?, ?)")) {
                for (int i = 1; i <= 2000; i++) {
                    k.setInt(1, i);
                    k.setString(2, "abc" + i);
                    k.setString(3, i % 2 == 0 ? "" : null);
                    k.setBigDecimal(4, BigDecimal.valueOf(12345L * i, 4));
                    k.setTimestamp(5, java.sql.Timestamp.valueOf(java.time.LocalDateTime.of(2026, 1, 1, 0, 0, 0, 1000).plusSeconds(i)));
                    k.setBytes(6, new byte[] {(byte) i, (byte) (i >> 8), 0, 7});
                    k.setInt(7, i);
                    k.addBatch();
                    m.setInt(1, i);
                    m.setDouble(2, i / 3.0);
                    m.addBatch();
                }
                k.executeBatch();
                m.executeBatch();
            }
            c.commit();
            c.setAutoCommit(true);
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(60))).isTrue();
        Verification.Report clean = ds.verify(options(), null);
        assertThat(clean.consistent()).as(clean.format()).isTrue();
        try (Connection r = topo.replica(0); Statement st = r.createStatement()) {
            assertThat(st.executeUpdate("UPDATE kinds SET s = 'abd10' WHERE id = 10")).isEqualTo(1);
            assertThat(st.executeUpdate("UPDATE kinds SET e = NULL WHERE id = 20")).isEqualTo(1);
            assertThat(st.executeUpdate("UPDATE kinds SET d = d + 0.0001 WHERE id = 30")).isEqualTo(1);
            // one microsecond (as SQL: Connector/J sends MariaDB no fraction of a setTimestamp)
            assertThat(st.executeUpdate(switch (engine) {
                case MARIADB -> "UPDATE kinds SET ts = ts + INTERVAL 1 MICROSECOND WHERE id = 40";
                case POSTGRESQL -> "UPDATE kinds SET ts = ts + INTERVAL '1 microsecond' WHERE id = 40";
                default -> "UPDATE kinds SET ts = DATEADD(MICROSECOND, 1, ts) WHERE id = 40";
            })).isEqualTo(1);
            try (PreparedStatement ps = r.prepareStatement("UPDATE kinds SET b = ? WHERE id = 50")) {
                ps.setBytes(1, new byte[] {50, 0, 0, 8});
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThat(st.executeUpdate("DELETE FROM kinds WHERE id = 60")).isEqualTo(1);
            assertThat(st.executeUpdate("INSERT INTO kinds (id, s) VALUES (5000, 'extra')")).isEqualTo(1);
            try (PreparedStatement ps = r.prepareStatement("UPDATE measure SET x = ? WHERE id = 70")) {
                ps.setDouble(1, Math.nextUp(70 / 3.0));
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
        }
        Verification.Report bad = ds.verify(options(), null);
        Verification.ReplicaResult r0 = replica(bad, "replica-0");
        List<Verification.RowDiff> kinds = new java.util.ArrayList<>();
        List<Verification.RowDiff> measure = new java.util.ArrayList<>();
        for (Verification.TableResult t : r0.tables()) {
            for (Verification.ChunkDiff d : t.differences()) {
                (t.table().equalsIgnoreCase("kinds") ? kinds : measure).addAll(d.rows());
            }
        }
        assertThat(kinds).as(bad.format()).containsExactlyInAnyOrder(
                new Verification.RowDiff("10", Verification.RowDifference.DIFFERENT),
                new Verification.RowDiff("20", Verification.RowDifference.DIFFERENT),
                new Verification.RowDiff("30", Verification.RowDifference.DIFFERENT),
                new Verification.RowDiff("40", Verification.RowDifference.DIFFERENT),
                new Verification.RowDiff("50", Verification.RowDifference.DIFFERENT),
                new Verification.RowDiff("60", Verification.RowDifference.MISSING_ON_REPLICA),
                new Verification.RowDiff("5000", Verification.RowDifference.EXTRA_ON_REPLICA));
        assertThat(measure).as(bad.format()).containsExactly(new Verification.RowDiff("70", Verification.RowDifference.DIFFERENT));
        assertThat(replica(bad, "replica-1").consistent()).as(bad.format()).isTrue();
    }

    /**
     * Resync copies fractional seconds exactly (on MariaDB a date-time sent by Connector/J as a
     * Java object loses its fraction: the copy must not send it so).
     */
    @PerEngine(postgresql = true)
    void resyncKeepsFractionalSeconds(Engine engine) throws Exception {
        start(engine);
        String ts = engine == Engine.MARIADB ? "DATETIME(6)" : "TIMESTAMP(6)";
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE moments (id INT PRIMARY KEY, at " + ts + ", tm TIME(6))");
            for (int i = 1; i <= 20; i++) {
                st.executeUpdate("INSERT INTO moments VALUES (" + i + ", TIMESTAMP '2024-01-02 03:04:05." + (100000 + i * 7919)
                        + "', TIME '10:11:12." + (100000 + i * 31) + "')");
            }
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(30))).isTrue();
        try (Connection r = topo.replica(0); Statement st = r.createStatement()) {
            assertThat(st.executeUpdate("DELETE FROM moments WHERE id > 10")).isEqualTo(10);
        }
        ds.resync("replica-0", null);
        try (Connection p = topo.primary(); Connection r = topo.replica(0)) {
            List<List<String>> expected = TestTopology.dump(p, "moments", "id");
            assertThat(expected.get(0).get(1)).as("the primary keeps the fraction").contains(".107919");
            assertThat(TestTopology.dump(r, "moments", "id")).isEqualTo(expected);
        }
        Verification.Report after = ds.verify(options(), null);
        assertThat(after.consistent()).as(after.format()).isTrue();
    }

    private void start(Engine engine) throws Exception {
        topo = TestTopology.on(engine).replicas(2).build();
        ds = topo.dataSource();
    }

    private void schemaAndData() throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE customer (id BIGINT PRIMARY KEY, name VARCHAR(50) NOT NULL)");
            st.execute("CREATE TABLE orders (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, amount DECIMAL(10,2),"
                    + " note VARCHAR(100), FOREIGN KEY (customer_id) REFERENCES customer (id))");
            st.execute("CREATE TABLE line (order_id BIGINT NOT NULL, seq INT NOT NULL, qty INT NOT NULL,"
                    + " PRIMARY KEY (order_id, seq))");
            st.execute("CREATE TABLE audit (msg VARCHAR(50))"); // no primary key
            c.setAutoCommit(false);
            try (PreparedStatement cu = c.prepareStatement("INSERT INTO customer (id, name) VALUES (?, ?)");
                 PreparedStatement or = c.prepareStatement("INSERT INTO orders (id, customer_id, amount, note) VALUES (?, ?, ?, ?)");
                 PreparedStatement li = c.prepareStatement("INSERT INTO line (order_id, seq, qty) VALUES (?, ?, ?)");
                 PreparedStatement au = c.prepareStatement("INSERT INTO audit (msg) VALUES (?)")) {
                for (int i = 1; i <= 50; i++) {
                    cu.setLong(1, i);
                    cu.setString(2, "customer " + i);
                    cu.addBatch();
                }
                cu.executeBatch();
                for (int i = 1; i <= ORDERS; i++) {
                    or.setLong(1, i);
                    or.setLong(2, i % 50 + 1);
                    or.setBigDecimal(3, BigDecimal.valueOf(i, 2));
                    or.setString(4, i % 7 == 0 ? null : "note " + i);
                    or.addBatch();
                    li.setLong(1, i);
                    li.setInt(2, i % 3);
                    li.setInt(3, i);
                    li.addBatch();
                    if (i % 10 == 0) {
                        au.setString(1, "batch " + i);
                        au.addBatch();
                    }
                    if (i % 500 == 0) {
                        or.executeBatch();
                        li.executeBatch();
                        au.executeBatch();
                        c.commit();
                    }
                }
            }
            c.commit();
            c.setAutoCommit(true);
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(60))).isTrue();
    }

    private static Verification.Options options() {
        return Verification.Options.defaults().withChunkSize(CHUNK);
    }

    private static Verification.ReplicaResult replica(Verification.Report r, String name) {
        return r.replicas().stream().filter(x -> x.replica().equals(name)).findFirst().orElseThrow();
    }

    private void corruptVerifyResync() throws Exception {
        schemaAndData();
        Verification.Report clean = ds.verify(options(), null);
        assertThat(clean.consistent()).as(clean.format()).isTrue();
        Verification.TableResult audit = replica(clean, "replica-0").tables().stream()
                .filter(t -> t.table().equalsIgnoreCase("audit")).findFirst().orElseThrow();
        assertThat(audit.hasPrimaryKey()).isFalse();
        assertThat(replica(clean, "replica-0").tables().stream().filter(t -> t.table().equalsIgnoreCase("orders"))
                .findFirst().orElseThrow().chunks()).isEqualTo(ORDERS / CHUNK + 1);

        try (Connection r = topo.replica(1); Statement st = r.createStatement()) {
            assertThat(st.executeUpdate("UPDATE orders SET amount = 999.99 WHERE id = 1234")).isEqualTo(1);
        }
        List<Verification.Progress> progress = new CopyOnWriteArrayList<>();
        Verification.Report bad = ds.verify(options(), progress::add);
        assertThat(bad.consistent()).isFalse();
        assertThat(bad.differs()).isTrue();
        assertThat(replica(bad, "replica-0").consistent()).as(bad.format()).isTrue();
        Verification.ReplicaResult r1 = replica(bad, "replica-1");
        List<Verification.TableResult> differing = r1.tables().stream().filter(t -> !t.consistent()).toList();
        assertThat(differing).as(bad.format()).hasSize(1);
        assertThat(differing.get(0).table()).isEqualToIgnoringCase("orders");
        assertThat(differing.get(0).differences()).hasSize(1);
        assertThat(differing.get(0).differences().get(0).rows())
                .containsExactly(new Verification.RowDiff("1234", Verification.RowDifference.DIFFERENT));
        assertThat(bad.format()).contains("1234 DIFFERENT");
        assertThat(progress).anyMatch(p -> p.table().equalsIgnoreCase("orders") && p.tableDone() && p.rowsDone() == ORDERS);

        // resync replica-1 while 4 writers keep writing through the driver
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong written = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            long base = 1_000_000L * (w + 1);
            long customer = w + 1; // one customer per writer: no lock conflicts between writers
            writers.add(pool.submit(() -> {
                try (Connection c = ds.getConnection();
                     PreparedStatement ins = c.prepareStatement(
                             "INSERT INTO orders (id, customer_id, amount, note) VALUES (?, ?, ?, ?)");
                     PreparedStatement up = c.prepareStatement("UPDATE customer SET name = ? WHERE id = ?")) {
                    for (long i = 0; !stop.get(); i++) {
                        boolean tx = i % 2 == 0;
                        if (tx) c.setAutoCommit(false);
                        ins.setLong(1, base + i);
                        ins.setLong(2, customer);
                        ins.setBigDecimal(3, BigDecimal.valueOf(i, 2));
                        ins.setString(4, "w" + base);
                        ins.executeUpdate();
                        up.setString(1, "renamed " + base + "/" + i);
                        up.setLong(2, customer);
                        up.executeUpdate();
                        if (tx) {
                            c.commit();
                            c.setAutoCommit(true);
                        }
                        written.incrementAndGet();
                        // a steady load, not a flood: one applier per replica must keep up on 2 cores
                        Thread.sleep(1);
                    }
                }
                return null;
            }));
        }
        Thread.sleep(300);
        List<Resync.Progress> copyProgress = new CopyOnWriteArrayList<>();
        long before = written.get();
        Resync.Result res = ds.resync("replica-1", copyProgress::add);
        long during = written.get() - before;
        assertThat(res.tables()).isEqualTo(4);
        assertThat(res.position()).isGreaterThan(0);
        assertThat(copyProgress).anyMatch(p -> p.table().equalsIgnoreCase("orders") && p.tableDone());
        Thread.sleep(300);
        // verify while the writers still write: no difference may be reported (lag is not a difference)
        Verification.Report live = ds.verify(options(), null);
        assertThat(live.differs()).as(live.format()).isFalse();
        stop.set(true);
        for (Future<?> f : writers) f.get();
        pool.shutdown();
        assertThat(written.get()).isGreaterThan(before);
        assertThat(during + written.get()).isGreaterThan(0);
        assertThat(ds.awaitReplication(Duration.ofSeconds(60))).isTrue();

        Verification.Report after = ds.verify(options(), null);
        assertThat(after.consistent()).as(after.format()).isTrue();
        long expected = ORDERS + written.get();
        try (Connection p = topo.primary(); Connection r0 = topo.replica(0); Connection r1c = topo.replica(1)) {
            assertThat(TestTopology.count(p, "orders")).isEqualTo(expected);
            assertThat(TestTopology.count(r0, "orders")).isEqualTo(expected);
            assertThat(TestTopology.count(r1c, "orders")).isEqualTo(expected);
            assertThat(TestTopology.dump(r1c, "orders", "id")).isEqualTo(TestTopology.dump(p, "orders", "id"));
            assertThat(TestTopology.dump(r1c, "customer", "id")).isEqualTo(TestTopology.dump(p, "customer", "id"));
        }
        assertThat(ds.status().stream().filter(s -> s.node().equals("replica-1")).findFirst().orElseThrow().state())
                .isIn("HEALTHY", "CATCHING_UP");
    }

    private void laggingReplicaIsBehindNotDifferent() throws Exception {
        schemaAndData();
        ds.pauseReplica("replica-0");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE orders SET amount = amount + 1 WHERE id <= 10");
            st.executeUpdate("INSERT INTO orders (id, customer_id, amount) VALUES (5000, 1, 1.00)");
            st.executeUpdate("DELETE FROM line WHERE order_id = 77");
        }
        // the paused replica cannot catch up: its differing chunks are "behind", never differences
        Verification.Report behind = ds.verify(options().withCatchUpTimeout(Duration.ofMillis(300)), null);
        assertThat(behind.differs()).as(behind.format()).isFalse();
        assertThat(behind.consistent()).isFalse();
        assertThat(replica(behind, "replica-0").tables().stream().mapToInt(t -> t.unverified().size()).sum())
                .isGreaterThan(0);
        assertThat(replica(behind, "replica-1").consistent()).as(behind.format()).isTrue();
        assertThat(behind.format()).contains("UNVERIFIED").doesNotContain("DIFF chunk");

        // with a catch-up timeout long enough, verify waits for the replica and finds it identical
        Thread unpause = new Thread(() -> {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            ds.unpauseReplica("replica-0");
        });
        unpause.start();
        Verification.Report waited = ds.verify(options(), null);
        unpause.join();
        assertThat(waited.consistent()).as(waited.format()).isTrue();
        try (Connection p = topo.primary(); Connection r0 = topo.replica(0)) {
            assertThat(TestTopology.dump(r0, "orders", "id")).isEqualTo(TestTopology.dump(p, "orders", "id"));
        }
    }
}
