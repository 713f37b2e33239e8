package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;

/**
 * The hostile cases mixed with ordinary traffic, from many connections at once: user-defined
 * functions that write called from SELECTs and SETs, {@code SET AUTOCOMMIT} and implicitly
 * committing statements sent as SQL inside transactions, session variables behind writes on
 * pooled connections that come and go, transfers between two rows in random order (deadlocks,
 * which the database resolves by rolling a victim back, retried or not), rollbacks, and DDL
 * racing the writes (tables created while the writers insert into the newest one). Then every
 * table on every replica must equal the primary's, no replica BROKEN, and nothing may hang past
 * the test's bound.
 */
public class HostileMixTest {

    @AutoClose
    TestTopology topo;

    private static final int ROWS = 40;
    private static final int TABLES = 25;

    @PerEngine(postgresql = true)
    void hostileCasesMixedWithOrdinaryTrafficLeaveEveryReplicaIdentical(Engine engine) throws Exception {
        topo = TestTopology.on(engine).replicas(2).build();
        ShardlineDataSource ds = topo.dataSource();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE acc (id INT PRIMARY KEY, x INT NOT NULL, note VARCHAR(40))" + engine.tableOptions());
            st.execute("CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL)" + engine.tableOptions());
            st.executeUpdate("INSERT INTO counter VALUES (1, 0)");
            for (int i = 1; i <= ROWS; i++) st.executeUpdate("INSERT INTO acc VALUES (" + i + ", 100, 'seed')");
            HostileWritesTest.createBump(st, engine);
        }
        int writers = 6;
        AtomicInteger committed = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger newest = new AtomicInteger(-1); // the newest table the DDL thread created (or is creating)
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                SplittableRandom rnd = new SplittableRandom(31L * w + 7);
                int writer = w;
                done.add(pool.submit(() -> {
                    writer(ds, engine, rnd, 60, committed, failed, newest, writer);
                    return null;
                }));
            }
            // DDL racing the writes: tables created while the writers insert into the newest one
            Future<?> ddl = pool.submit(() -> {
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    for (int k = 0; k < TABLES && writing.get(); k++) {
                        newest.set(k);
                        st.execute("CREATE TABLE mix_" + k + " (id INT PRIMARY KEY, w INT, v INT)" + engine.tableOptions());
                        Thread.sleep(20);
                    }
                }
                return null;
            });
            for (Future<?> f : done) f.get(3, TimeUnit.MINUTES); // no hang
            writing.set(false);
            ddl.get(1, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
        assertThat(committed.get()).as("committed transactions (failed: %d)", failed.get()).isGreaterThan(writers * 60 / 3);
        assertThat(ds.awaitReplication(Duration.ofSeconds(60))).as("replicas caught up: %s", ds.status()).isTrue();
        for (int r = 0; r < 2; r++) assertThat(topo.status(topo.replicaName(0, r)).state()).isNotEqualTo("BROKEN");
        try (Connection p = topo.primary(); Connection r0 = topo.replica(0); Connection r1 = topo.replica(1)) {
            List<String> tables = new ArrayList<>(List.of("acc", "counter"));
            for (int k = 0; k <= newest.get(); k++) tables.add("mix_" + k);
            long mixRows = 0;
            for (String t : tables) {
                List<List<String>> expected = TestTopology.dump(p, t, "id");
                if (t.startsWith("mix_")) mixRows += expected.size();
                assertThat(TestTopology.dump(r0, t, "id")).as(t + " on replica 0").isEqualTo(expected);
                assertThat(TestTopology.dump(r1, t, "id")).as(t + " on replica 1").isEqualTo(expected);
            }
            assertThat(mixRows).as("rows written into tables as they were created").isPositive();
            // the transfers moved money, never made or lost it: what the database kept is consistent
            try (Statement st = p.createStatement(); ResultSet rs = st.executeQuery("SELECT SUM(x) FROM acc")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(100L * ROWS);
            }
        }
    }

    private static void writer(ShardlineDataSource ds, Engine engine, SplittableRandom rnd, int transactions,
                               AtomicInteger committed, AtomicInteger failed, AtomicInteger newest, int writer)
            throws SQLException {
        Connection c = ds.getConnection();
        try {
            for (int t = 0; t < transactions; t++) {
                if (rnd.nextInt(8) == 0) { // pooled connections come and go, with whatever session state they had
                    c.close();
                    c = ds.getConnection();
                }
                c.setTransactionIsolation(engine == Engine.H2 ? Connection.TRANSACTION_SERIALIZABLE
                        : Connection.TRANSACTION_READ_COMMITTED);
                try (Statement st = c.createStatement()) {
                    // PostgreSQL has no SET AUTOCOMMIT (the driver's flag is all there is)
                    boolean viaSql = engine != Engine.POSTGRESQL && rnd.nextBoolean();
                    if (viaSql) {
                        st.execute(engine == Engine.MARIADB ? "SET autocommit = 0" : "SET AUTOCOMMIT FALSE");
                    } else {
                        c.setAutoCommit(false);
                    }
                    try {
                        int ops = 1 + rnd.nextInt(3);
                        for (int i = 0; i < ops; i++) operation(c, st, engine, rnd, newest, writer * 1000 + t * 10 + i);
                        if (rnd.nextInt(6) == 0) {
                            c.rollback();
                        } else if (rnd.nextBoolean()) {
                            c.commit();
                            committed.incrementAndGet();
                        } else if (engine == Engine.POSTGRESQL) {
                            c.setAutoCommit(true); // JDBC: switching auto-commit on commits
                            committed.incrementAndGet();
                        } else {
                            // the engine commits when auto-commit is switched on by SQL
                            st.execute(engine == Engine.MARIADB ? "SET autocommit = 1" : "SET AUTOCOMMIT TRUE");
                            committed.incrementAndGet();
                        }
                    } catch (SQLException e) {
                        // deadlock victims, lock timeouts, serialization failures: the database undid it
                        failed.incrementAndGet();
                        if (!c.getAutoCommit()) c.rollback();
                    }
                    if (!c.getAutoCommit()) c.setAutoCommit(true);
                    if (rnd.nextInt(4) == 0) {
                        try {
                            assertThat(bump(st)).isPositive(); // an auto-commit SELECT that writes
                        } catch (SQLException e) {
                            failed.incrementAndGet(); // a deadlock on the counter row: rolled back whole
                        }
                    }
                }
            }
        } finally {
            c.close();
        }
    }

    private static void operation(Connection c, Statement st, Engine engine, SplittableRandom rnd, AtomicInteger newest,
                                  int id) throws SQLException {
        int a = 1 + rnd.nextInt(ROWS);
        int b = 1 + rnd.nextInt(ROWS);
        switch (rnd.nextInt(7)) {
            case 6 -> {
                // into the table the DDL thread created last (or is creating: then it fails, or waits for its capture)
                int k = newest.get();
                if (k >= 0) st.executeUpdate("INSERT INTO mix_" + k + " VALUES (" + id + ", " + a + ", " + b + ")");
            }
            case 0, 1 -> {
                // a transfer: two rows locked in random order, so transactions deadlock now and then
                if (a == b) return;
                int amount = 1 + rnd.nextInt(5);
                RowCaptureDifferentialTest.update(c, "UPDATE acc SET x = x - ? WHERE id = ?", amount, a);
                RowCaptureDifferentialTest.update(c, "UPDATE acc SET x = x + ? WHERE id = ?", amount, b);
            }
            case 2 -> {
                // a session variable, which the statement that reads it must see on the primary
                boolean pg = engine == Engine.POSTGRESQL;
                st.execute((pg ? "SET mix.v = '" : "SET @v = ") + rnd.nextInt(1000) + (pg ? "'" : ""));
                RowCaptureDifferentialTest.update(c, "UPDATE acc SET note = CONCAT('v=', "
                        + (pg ? "current_setting('mix.v')" : "@v") + ") WHERE id = ?", a);
            }
            case 3 -> bump(st); // a SELECT that writes, inside the transaction
            case 4 -> st.execute(engine == Engine.POSTGRESQL ? "SELECT set_config('mix.b', CAST(BUMP() AS TEXT), false)"
                    : "SET @b = BUMP()");
            default -> {
                RowCaptureDifferentialTest.update(c, "UPDATE acc SET note = ? WHERE id = ?", "before analyze", a);
                // MariaDB and H2 commit here; PostgreSQL analyzes inside the transaction
                st.execute(engine == Engine.MARIADB ? "ANALYZE TABLE acc" : engine == Engine.POSTGRESQL ? "ANALYZE acc" : "ANALYZE");
            }
        }
    }

    private static int bump(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT BUMP()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
