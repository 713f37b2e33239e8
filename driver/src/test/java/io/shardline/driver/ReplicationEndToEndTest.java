package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AutoClose;

/** The replication path end to end, on every engine: identity keys, routing of reads, transactions, concurrency. */
class ReplicationEndToEndTest {

    @AutoClose
    TestTopology topo;
    ShardlineDataSource ds;
    Engine engine;

    void start(Engine engine, int replicas) throws Exception {
        this.engine = engine;
        topo = TestTopology.on(engine).replicas(replicas).build();
        ds = topo.dataSource();
    }

    private String table(String ddl) {
        return ddl + engine.tableOptions();
    }

    @PerEngine(postgresql = true)
    void writesReachEveryReplicaWithIdentityKeys(Engine engine) throws Exception {
        start(engine, 2);
        try (Connection c = DriverManager.getConnection(topo.url())) {
            try (Statement st = c.createStatement()) {
                st.execute(table("CREATE TABLE item (id " + engine.identity() + " PRIMARY KEY, name VARCHAR(50), price DECIMAL(10,2))"));
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO item (name, price) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 0; i < 20; i++) {
                    ps.setString(1, "n" + i);
                    ps.setBigDecimal(2, new BigDecimal(i + ".50"));
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        assertThat(keys.next()).isTrue();
                        assertThat(keys.getLong(1)).isEqualTo(i + 1);
                    }
                }
            }
            try (Connection p = topo.primary(); Statement st = p.createStatement()) {
                // a gap in the primary's identity sequence: replicas must still get the primary's ids
                st.execute(engine.restartIdentity("item", "id", 1000));
            }
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO item (name, price) VALUES ('x', 1), ('y', 2)", Statement.RETURN_GENERATED_KEYS);
                ResultSet keys = st.getGeneratedKeys();
                List<Long> ids = new ArrayList<>();
                while (keys.next()) ids.add(keys.getLong(1));
                assertThat(ids).containsExactly(1000L, 1001L);
                st.executeUpdate("UPDATE item SET price = price * 2 WHERE id < 5");
                st.executeUpdate("DELETE FROM item WHERE id = 7");
            }
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        try (Connection p = topo.primary(); Connection r0 = topo.replica(0); Connection r1 = topo.replica(1)) {
            List<List<String>> expected = TestTopology.dump(p, "item", "id");
            assertThat(expected).hasSize(21);
            assertThat(TestTopology.dump(r0, "item", "id")).isEqualTo(expected);
            assertThat(TestTopology.dump(r1, "item", "id")).isEqualTo(expected);
        }
    }

    @PerEngine(postgresql = true)
    void readsInAutoCommitGoToReplicasAndReadAfterWriteInTransactionToPrimary(Engine engine) throws Exception {
        start(engine, 2);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(table("CREATE TABLE marker (id INT PRIMARY KEY, node VARCHAR(20))"));
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        // each physical node gets its own marker row, written behind Shardline's back
        try (Connection p = topo.primary(); Statement st = p.createStatement()) {
            st.execute("INSERT INTO marker VALUES (1, 'primary')");
        }
        for (int i = 0; i < 2; i++) {
            try (Connection r = topo.replica(i); Statement st = r.createStatement()) {
                st.execute("INSERT INTO marker VALUES (1, 'replica-" + i + "')");
            }
        }
        Set<String> seen = new HashSet<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT node FROM marker WHERE id = ?")) {
            for (int i = 0; i < 20; i++) {
                ps.setInt(1, 1);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    seen.add(rs.getString(1));
                    assertThat(rs.getStatement()).isSameAs(ps);
                }
            }
        }
        assertThat(seen).containsExactlyInAnyOrder("replica-0", "replica-1");

        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO marker VALUES (2, 'tx')");
                try (ResultSet rs = st.executeQuery("SELECT node FROM marker WHERE id = 1")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("primary");
                }
                try (ResultSet rs = st.executeQuery("SELECT node FROM marker WHERE id = 2")) {
                    assertThat(rs.next()).isTrue();
                }
            }
            c.commit();
            // forced to the primary by the hint
            try (Statement st = c.createStatement()) {
                c.setAutoCommit(true);
                try (ResultSet rs = st.executeQuery("/* shardline:primary */ SELECT node FROM marker WHERE id = 1")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("primary");
                }
            }
        }
    }

    @PerEngine(postgresql = true)
    void rollbackAndSavepointsKeepUncommittedWritesOutOfTheLog(Engine engine) throws Exception {
        start(engine, 1);
        try (Connection c = ds.getConnection()) {
            try (Statement st = c.createStatement()) {
                st.execute(table("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(10))"));
            }
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO t VALUES (1, 'rolled')");
                c.rollback();
                st.executeUpdate("INSERT INTO t VALUES (2, 'kept')");
                var sp = c.setSavepoint();
                st.executeUpdate("INSERT INTO t VALUES (3, 'undone')");
                c.rollback(sp);
                st.executeUpdate("INSERT INTO t VALUES (4, 'kept')");
                c.commit();
            }
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        try (Connection p = topo.primary(); Connection r = topo.replica(0)) {
            assertThat(TestTopology.dump(p, "t", "id")).extracting(row -> row.get(0)).containsExactly("2", "4");
            assertThat(TestTopology.dump(r, "t", "id")).isEqualTo(TestTopology.dump(p, "t", "id"));
        }
    }

    /**
     * Eight writers, half of their ops in transactions, insert rows with generated keys and
     * increment one counter; before they start, a gap in the primary's key sequence that only the
     * primary has: every replica must end with the primary's rows and keys, and each UPDATE applied
     * exactly once (a replayed-twice or skipped one would change the counter).
     */
    @PerEngine(postgresql = true)
    void concurrentWritersConvergeWithEveryEntryAppliedOnce(Engine engine) throws Exception {
        start(engine, 2);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(table("CREATE TABLE counter (id INT PRIMARY KEY, n BIGINT)"));
            st.execute(table("CREATE TABLE event (id " + engine.identity() + " PRIMARY KEY, writer INT, seq INT, amount DECIMAL(10,2))"));
            st.execute("INSERT INTO counter VALUES (1, 0)");
            st.executeUpdate("INSERT INTO event (writer, seq, amount) VALUES (-1, 0, 1.50), (-1, 1, 2.25)", Statement.RETURN_GENERATED_KEYS);
            List<Long> ids = new ArrayList<>();
            try (ResultSet keys = st.getGeneratedKeys()) {
                while (keys.next()) ids.add(keys.getLong(1));
            }
            assertThat(ids).containsExactly(1L, 2L);
        }
        try (Connection p = topo.primary(); Statement st = p.createStatement()) {
            st.execute(engine.restartIdentity("event", "id", 500)); // the replicas must still get the primary's ids
        }
        int writers = 8;
        int perWriter = engine.onServer() ? 40 : 150; // a few seconds of writes on each engine
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        List<Future<?>> futures = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            futures.add(pool.submit(() -> {
                try (Connection c = ds.getConnection();
                     PreparedStatement ins = c.prepareStatement("INSERT INTO event (writer, seq, amount) VALUES (?, ?, ?)");
                     PreparedStatement up = c.prepareStatement("UPDATE counter SET n = n + 1 WHERE id = 1")) {
                    for (int i = 0; i < perWriter; i++) {
                        boolean tx = i % 2 == 0;
                        if (tx) c.setAutoCommit(false);
                        ins.setInt(1, writer);
                        ins.setInt(2, i);
                        ins.setBigDecimal(3, new BigDecimal(i).movePointLeft(2));
                        ins.executeUpdate();
                        up.executeUpdate();
                        if (tx) {
                            c.commit();
                            c.setAutoCommit(true);
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) f.get();
        pool.shutdown();
        assertThat(ds.awaitReplication(Duration.ofSeconds(60))).isTrue();
        try (Connection p = topo.primary()) {
            assertThat(TestTopology.count(p, "event")).isEqualTo(2 + writers * perWriter);
            assertThat(TestTopology.dump(p, "counter", "id").get(0).get(1)).isEqualTo(String.valueOf(writers * perWriter));
            assertThat(TestTopology.dump(p, "event", "id").get(2).get(0)).as("first id after the gap").isEqualTo("500");
            for (int i = 0; i < 2; i++) {
                try (Connection r = topo.replica(i)) {
                    assertThat(TestTopology.dump(r, "event", "id")).isEqualTo(TestTopology.dump(p, "event", "id"));
                    assertThat(TestTopology.dump(r, "counter", "id")).isEqualTo(TestTopology.dump(p, "counter", "id"));
                }
            }
        }
    }

    @PerEngine(postgresql = true)
    void writesThatReadOtherRowsOrCallPerRowFunctionsReplicateExactly(Engine engine) throws Exception {
        start(engine, 1);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(table("CREATE TABLE a (id INT PRIMARY KEY, at TIMESTAMP, d DOUBLE PRECISION)"));
            st.execute(table("CREATE TABLE b (id INT PRIMARY KEY, d DOUBLE PRECISION)"));
            assertThat(st.executeUpdate("INSERT INTO a (id, at) VALUES (1, CURRENT_TIMESTAMP), (2, CURRENT_TIMESTAMP),"
                    + " (3, CURRENT_TIMESTAMP)")).isEqualTo(3);
            // per-row RAND(), INSERT ... SELECT, UPDATE with a subquery, DELETE with a subquery
            assertThat(st.executeUpdate("UPDATE a SET d = " + (engine == Engine.POSTGRESQL ? "random()" : "RAND()"))).isEqualTo(3);
            assertThat(st.executeUpdate("INSERT INTO b SELECT id, d FROM a WHERE id < 3")).isEqualTo(2);
            assertThat(st.executeUpdate("UPDATE a SET d = (SELECT MAX(d) FROM b) WHERE id = 3")).isEqualTo(1);
            assertThat(st.executeUpdate("DELETE FROM b WHERE id IN (SELECT id FROM a WHERE id = 1)")).isEqualTo(1);
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        try (Connection p = topo.primary(); Connection r = topo.replica(0)) {
            List<List<String>> a = TestTopology.dump(p, "a", "id");
            assertThat(a).hasSize(3);
            assertThat(new HashSet<>(List.of(a.get(0).get(2), a.get(1).get(2)))).hasSize(2); // RAND() per row
            assertThat(TestTopology.dump(r, "a", "id")).isEqualTo(a);
            assertThat(TestTopology.dump(r, "b", "id")).isEqualTo(TestTopology.dump(p, "b", "id")).hasSize(1);
        }
    }

    /**
     * DDL is logged ahead, marked running, then its outcome recorded: a DDL that fails on the
     * primary becomes an empty entry the replicas pass over (they never run it), and a DDL that
     * runs longer than the orphan limit is kept alive by its process's heartbeat (the replicas
     * wait at it, then apply it, never report it as orphaned).
     */
    @PerEngine(postgresql = true)
    void ddlIsLoggedAheadAndItsOutcomeDecidesWhatTheReplicasRun(Engine engine) throws Exception {
        System.setProperty("shardline.replication.ddlOrphanMillis", "1000"); // heartbeat every 250 ms
        try {
            start(engine, 1);
            long slowRows = engine == Engine.H2 ? 1_500_000 : engine == Engine.POSTGRESQL ? 3_000_000 : 2_000_000;
            String slow = switch (engine) {
                case MARIADB -> "CREATE TABLE slow ENGINE=InnoDB AS SELECT s.seq AS id, MD5(s.seq) AS h FROM seq_1_to_" + slowRows + " s";
                case POSTGRESQL -> "CREATE TABLE slow AS SELECT g AS id, md5(g::text) AS h FROM generate_series(1, " + slowRows + ") g";
                default -> "CREATE TABLE slow AS SELECT X AS id, HASH('SHA-256', CAST(X AS VARCHAR)) AS h FROM SYSTEM_RANGE(1, " + slowRows + ")";
            };
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute(table("CREATE TABLE t (id INT PRIMARY KEY)"));
                assertThatThrownBy(() -> st.execute(table("CREATE TABLE t (id INT PRIMARY KEY)")))
                        .isInstanceOf(java.sql.SQLException.class);
                st.executeUpdate("INSERT INTO t VALUES (1)");
                long start = System.nanoTime();
                st.execute(slow);
                long tookMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
                System.out.println("slow DDL took " + tookMillis + " ms");
                assertThat(tookMillis).as("the DDL outlives the orphan limit, or this test proves nothing").isGreaterThan(1000);
                st.executeUpdate("INSERT INTO t VALUES (2)");
            }
            assertThat(ds.awaitReplication(Duration.ofSeconds(60))).as("caught up: %s", ds.status()).isTrue();
            assertThat(topo.status(topo.replicaName(0, 0)).state()).isNotEqualTo("BROKEN");
            try (Connection p = topo.primary(); Connection r = topo.replica(0)) {
                assertThat(TestTopology.dump(r, "t", "id")).isEqualTo(TestTopology.dump(p, "t", "id")).hasSize(2);
                assertThat(TestTopology.count(r, "slow")).isEqualTo(TestTopology.count(p, "slow")).isEqualTo(slowRows);
                try (Statement st = p.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(CASE WHEN payload IS"
                        + " NULL THEN 1 ELSE 0 END), SUM(CASE WHEN tx = -1 THEN 1 ELSE 0 END) FROM "
                        + engine.shardlineTable(p, "commits") + " WHERE tx = 0 OR tx = -1")) {
                    rs.next();
                    // the DDL entries (pruning may have removed the early ones): none left running
                    assertThat(rs.getLong(3)).as("running DDL entries").isZero();
                }
            }
        } finally {
            System.clearProperty("shardline.replication.ddlOrphanMillis");
        }
    }
}
