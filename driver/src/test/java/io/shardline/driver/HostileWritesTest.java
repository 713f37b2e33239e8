package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Writes that statement replay got wrong — session state behind a write, identity in every form,
 * the primary's own triggers, upsert forms, comments that hide a function from a text scan — each
 * replicates exactly because what travels is the row the primary stored. Each scenario ends with a
 * full comparison of the tables on every replica.
 */
public class HostileWritesTest {

    @AutoClose
    TestTopology topo;
    ShardlineDataSource ds;

    private Connection start(Engine engine) throws Exception {
        topo = TestTopology.on(engine).replicas(2).build();
        ds = topo.dataSource();
        return ds.getConnection();
    }

    private void assertIdentical(String table, String orderBy, int rows) throws Exception {
        assertThat(ds.awaitReplication(Duration.ofSeconds(20))).isTrue();
        try (Connection p = topo.primary()) {
            List<List<String>> expected = TestTopology.dump(p, table, orderBy);
            assertThat(expected).as(table + " on the primary").hasSize(rows);
            for (int i = 0; i < 2; i++) {
                try (Connection r = topo.replica(i)) {
                    assertThat(TestTopology.dump(r, table, orderBy)).as(table + " on replica " + i).isEqualTo(expected);
                }
            }
        }
        for (int i = 0; i < 2; i++) assertThat(topo.status(topo.replicaName(0, i)).state()).isNotEqualTo("BROKEN");
    }

    /** Quoted lower-case names, a table name with a space, identity left to the database. */
    @PerEngine(postgresql = true)
    void quotedNamesAndIdentities(Engine engine) throws Exception {
        String q = engine == Engine.MARIADB ? "`" : "\"";
        try (Connection c = start(engine); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + q + "my items" + q + " (" + q + "id" + q + " " + engine.identity() + " PRIMARY KEY, "
                    + q + "Label" + q + " VARCHAR(20))" + engine.tableOptions());
            st.executeUpdate("INSERT INTO " + q + "my items" + q + " (" + q + "Label" + q + ") VALUES ('a'), ('b')");
            st.executeUpdate("INSERT INTO " + q + "my items" + q + " VALUES (DEFAULT, 'c')");
            st.executeUpdate("UPDATE " + q + "my items" + q + " SET " + q + "Label" + q + " = 'B' WHERE " + q + "id" + q + " = 2");
        }
        assertIdentical(q + "my items" + q, q + "id" + q, 3);
    }

    @Test
    void mariaDbSessionStateIdentityFormsTriggersAndUpserts() throws Exception {
        try (Connection c = start(Engine.MARIADB); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20), ts TIMESTAMP(6) NULL, d DOUBLE,"
                    + " n INT) ENGINE=InnoDB");
            st.execute("CREATE TABLE audit (id BIGINT AUTO_INCREMENT PRIMARY KEY, msg VARCHAR(100)) ENGINE=InnoDB");
            st.execute("CREATE TABLE parent (id INT PRIMARY KEY) ENGINE=InnoDB");
            st.execute("CREATE TABLE child (id INT PRIMARY KEY, parent_id INT, FOREIGN KEY (parent_id) REFERENCES parent (id))"
                    + " ENGINE=InnoDB");
            // the primary's own trigger writes into an identity table: its rows are captured, the
            // trigger itself stays on the primary
            st.execute("CREATE TRIGGER t_audit AFTER INSERT ON t FOR EACH ROW INSERT INTO audit (msg) VALUES (CONCAT('inserted ', NEW.id))");
            st.execute("SET time_zone = '+05:00'");
            st.executeUpdate("INSERT INTO t (name, ts) VALUES ('tz', '2026-01-01 10:00:00.123456')");
            // a session sql_mode: without backslash escapes the backslash is stored as it is
            st.execute("SET sql_mode = CONCAT(@@sql_mode, ',NO_BACKSLASH_ESCAPES')");
            st.executeUpdate("INSERT INTO t (name) VALUES ('a\\b')");
            st.execute("SET sql_mode = DEFAULT");
            st.executeUpdate("INSERT INTO t VALUES (0, 'zero', NULL, NULL, NULL)"); // 0: the next auto-increment
            st.executeUpdate("INSERT INTO t VALUES (NULL, 'null', NULL, NULL, NULL)");
            st.executeUpdate("INSERT INTO t SET name = 'set'");
            st.executeUpdate("INSERT INTO audit (msg) VALUES (CONCAT('after t ', LAST_INSERT_ID()))");
            st.executeUpdate("REPLACE INTO t (id, name) VALUES (1, 'replaced')");
            st.executeUpdate("INSERT IGNORE INTO t (id, name) VALUES (1, 'ignored'), (100, 'new')");
            st.executeUpdate("INSERT INTO t (id, name, n) VALUES (2, 'dup', 1) ON DUPLICATE KEY UPDATE n = COALESCE(n, 0) + 10");
            // a function hidden from a text scan: an executable comment, a backslash-escaped quote
            st.executeUpdate("UPDATE t SET d = /*! RAND() + */ 0, name = 'a\\'b' WHERE id = 2");
            st.executeUpdate("UPDATE t SET d = RAND() -- x\n WHERE id > 2");
            // foreign key checks off on the primary: an orphan child replicates as it is
            st.execute("SET FOREIGN_KEY_CHECKS = 0");
            st.executeUpdate("INSERT INTO child VALUES (1, 42)");
            st.execute("SET FOREIGN_KEY_CHECKS = 1");
        }
        assertIdentical("t", "id", 6);
        assertIdentical("audit", "id", 8); // REPLACE and INSERT IGNORE fire the insert trigger too
        assertIdentical("child", "id", 1);
        try (Connection r = topo.replica(0); Statement st = r.createStatement()) {
            assertThat(TestTopology.dump(r, "t", "id").get(0).get(1)).isEqualTo("replaced");
        }
    }

    @Test
    void h2MergeCommentsAndSessionVariables() throws Exception {
        try (Connection c = start(Engine.H2); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name VARCHAR(20), d DOUBLE)");
            st.executeUpdate("INSERT INTO t (name) VALUES ('a'), ('b')");
            st.executeUpdate("MERGE INTO t (id, name) KEY (id) VALUES (2, 'merged'), (30, 'new by merge')");
            st.executeUpdate("UPDATE t SET d = RAND() // a comment hiding nothing from the capture\n WHERE id > 1");
            st.execute("SET @v = 41");
            st.executeUpdate("INSERT INTO t (name, d) VALUES ('var', @v + 1)");
            st.executeUpdate("MERGE INTO t USING (SELECT id, name FROM t WHERE id <= 2) s ON t.id = s.id"
                    + " WHEN MATCHED THEN UPDATE SET name = CONCAT(s.name, '!')");
        }
        assertIdentical("t", "id", 4);
    }

    /**
     * GENERATED ALWAYS identity takes no explicit value unless told to (statement replay put every
     * PostgreSQL replica into BROKEN on it): replicas must store the primary's, through insert,
     * update and delete, with the identity restarted past the defaults.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.EnumSource(value = Engine.class, names = {"H2", "POSTGRESQL"})
    void generatedAlwaysIdentity(Engine engine) throws Exception {
        try (Connection c = start(engine); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE g (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name VARCHAR(20))");
            st.execute("ALTER TABLE g ALTER COLUMN id RESTART WITH 500");
            st.executeUpdate("INSERT INTO g (name) VALUES ('a'), ('b')");
            st.executeUpdate("UPDATE g SET name = 'B' WHERE name = 'b'");
            st.executeUpdate("DELETE FROM g WHERE name = 'a'");
            st.executeUpdate("INSERT INTO g (name) VALUES ('c')");
        }
        assertIdentical("g", "id", 2);
        try (Connection p = topo.primary()) {
            assertThat(TestTopology.dump(p, "g", "id").get(0).get(0)).isEqualTo("501");
        }
    }

    /**
     * A PostgreSQL partitioned table: rows written through the parent land in its partitions (whose
     * row triggers PostgreSQL clones from the parent's), an update that moves a row to another
     * partition is a delete there and an insert here, a partition added later is captured too.
     */
    @org.junit.jupiter.api.Test
    void postgresqlPartitionedTable() throws Exception {
        try (Connection c = start(Engine.POSTGRESQL); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE m (id INT, k INT, v VARCHAR(20), PRIMARY KEY (id, k)) PARTITION BY RANGE (k)");
            st.execute("CREATE TABLE m_low PARTITION OF m FOR VALUES FROM (0) TO (100)");
            st.execute("CREATE TABLE m_high PARTITION OF m FOR VALUES FROM (100) TO (200)");
            st.executeUpdate("INSERT INTO m VALUES (1, 5, 'a'), (2, 150, 'b'), (3, 50, 'c')");
            st.executeUpdate("UPDATE m SET k = 120, v = 'moved' WHERE id = 1"); // to the other partition
            st.executeUpdate("UPDATE m SET v = 'B' WHERE id = 2");
            st.executeUpdate("DELETE FROM m WHERE id = 3");
            st.execute("CREATE TABLE m_top PARTITION OF m FOR VALUES FROM (200) TO (300)");
            st.executeUpdate("INSERT INTO m VALUES (4, 250, 'top')");
        }
        assertIdentical("m", "id", 3);
    }

    /** Creates {@code BUMP()}, a function that increments {@code counter.n} of row 1 and returns it, on {@code engine}. */
    static void createBump(Statement st, Engine engine) throws java.sql.SQLException {
        if (engine == Engine.POSTGRESQL) {
            st.execute("CREATE FUNCTION bump() RETURNS INT LANGUAGE plpgsql AS $$ BEGIN"
                    + " UPDATE counter SET n = n + 1 WHERE id = 1; RETURN (SELECT n FROM counter WHERE id = 1); END $$");
        } else if (engine == Engine.MARIADB) {
            st.execute("CREATE FUNCTION bump() RETURNS INT MODIFIES SQL DATA BEGIN"
                    + " UPDATE counter SET n = n + 1 WHERE id = 1; RETURN (SELECT n FROM counter WHERE id = 1); END");
        } else {
            st.execute("CREATE ALIAS BUMP FOR \"" + HostileWritesTest.class.getName() + ".bump\"");
        }
    }

    /** H2's {@code BUMP()}: a function that writes. */
    public static int bump(Connection conn) throws java.sql.SQLException {
        try (Statement st = conn.createStatement()) {
            st.executeUpdate("UPDATE counter SET n = n + 1 WHERE id = 1");
            try (java.sql.ResultSet rs = st.executeQuery("SELECT n FROM counter WHERE id = 1")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * Writes hidden in reads: a user-defined function that updates a table, called from a SELECT
     * (plain and prepared, in auto-commit mode, in a read-only connection, in a transaction that
     * rolls back and one that commits) and from {@code SET @x = BUMP()}. Each runs on the primary
     * only — never on a replica, whatever the read-only flag — and what it wrote reaches the
     * replicas like any write. Were it run on a replica, that replica's counter would run ahead of
     * the primary's; were its effect not sealed, the replicas' would lag.
     */
    @PerEngine(postgresql = true)
    void userDefinedFunctionsThatWriteRunOnThePrimaryAndReplicate(Engine engine) throws Exception {
        try (Connection c = start(engine); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE counter (id INT PRIMARY KEY, n INT NOT NULL)" + engine.tableOptions());
            st.executeUpdate("INSERT INTO counter VALUES (1, 0)");
            createBump(st, engine);
        }
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (int i = 1; i <= 3; i++) assertThat(single(st, "SELECT BUMP()")).isEqualTo(i);
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT BUMP() + ?")) {
                for (int i = 4; i <= 5; i++) {
                    ps.setInt(1, 0);
                    try (java.sql.ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        assertThat(rs.getInt(1)).isEqualTo(i);
                    }
                }
            }
            c.setReadOnly(true);
            assertThat(single(st, "SELECT BUMP()")).isEqualTo(6);
            c.setReadOnly(false);
            if (engine == Engine.POSTGRESQL) {
                // a session setting behind a write, PostgreSQL's form of SET @x
                st.execute("SELECT set_config('app.x', BUMP()::text, false)");
                assertThat(single(st, "SELECT current_setting('app.x')::int")).isEqualTo(7);
            } else {
                st.execute("SET @x = BUMP()");
                assertThat(single(st, "SELECT @x")).isEqualTo(7);
            }
            c.setAutoCommit(false);
            assertThat(single(st, "SELECT BUMP()")).isEqualTo(8);
            c.rollback();
            assertThat(single(st, "SELECT BUMP()")).isEqualTo(8);
            c.commit();
            c.setAutoCommit(true);
        }
        assertIdentical("counter", "id", 1);
        try (Connection p = topo.primary(); Statement st = p.createStatement()) {
            assertThat(single(st, "SELECT n FROM counter")).isEqualTo(8);
        }
    }

    /**
     * Transaction boundaries the database decides: two transactions deadlock, the database rolls
     * the victim back (or times its statement out), and the victim's application, without calling
     * rollback, writes a marker and commits. What the database undid never reaches a replica; what
     * it kept does.
     */
    @PerEngine(postgresql = true)
    void aDeadlockVictimsRolledBackWorkNeverReachesTheReplicas(Engine engine) throws Exception {
        try (Connection c = start(engine); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE acc (id INT PRIMARY KEY, v INT NOT NULL)" + engine.tableOptions());
            st.execute("CREATE TABLE marker (id INT PRIMARY KEY, note VARCHAR(40))" + engine.tableOptions());
            st.executeUpdate("INSERT INTO acc VALUES (1, 100), (2, 100)");
        }
        try (Connection a = ds.getConnection(); Connection b = ds.getConnection()) {
            a.setAutoCommit(false);
            b.setAutoCommit(false);
            try (Statement sa = a.createStatement(); Statement sb = b.createStatement()) {
                sa.executeUpdate("UPDATE acc SET v = v - 10 WHERE id = 1");
                sb.executeUpdate("UPDATE acc SET v = v + 10 WHERE id = 2");
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
                try {
                    var fa = pool.submit(() -> second(engine, a, sa, "UPDATE acc SET v = v + 10 WHERE id = 2", 1));
                    Thread.sleep(200); // a waits for b's row
                    var fb = pool.submit(() -> second(engine, b, sb, "UPDATE acc SET v = v - 10 WHERE id = 1", 2));
                    String ra = fa.get(60, java.util.concurrent.TimeUnit.SECONDS);
                    String rb = fb.get(60, java.util.concurrent.TimeUnit.SECONDS);
                    assertThat(List.of(ra, rb)).as("one of them is the victim").contains("victim");
                } finally {
                    pool.shutdownNow();
                }
            }
        }
        assertIdentical("acc", "id", 2);
        assertIdentical("marker", "id", 1);
    }

    /**
     * Runs the second update of a deadlocking pair; the victim writes a marker and commits (no
     * rollback, except on PostgreSQL, which takes no statement in a failed transaction until it is
     * rolled back).
     */
    private static String second(Engine engine, Connection c, Statement st, String update, int id) throws java.sql.SQLException {
        try {
            st.executeUpdate(update);
            c.commit();
            return "committed";
        } catch (java.sql.SQLException e) {
            if (engine == Engine.POSTGRESQL) c.rollback();
            st.executeUpdate("INSERT INTO marker VALUES (" + id + ", 'victim: " + e.getSQLState() + "')");
            c.commit();
            return "victim";
        }
    }

    /**
     * Transaction boundaries the engine decides: {@code SET AUTOCOMMIT} sent as SQL inside a
     * transaction (the engine commits it) acts as {@code Connection.setAutoCommit} — the
     * transaction is sealed and committed, and Shardline knows it is in auto-commit mode; an
     * {@code ANALYZE} inside a transaction (committed implicitly by the engine) commits what came
     * before it sealed, so a rollback after it undoes only what followed — on every node alike.
     */
    @PerEngine(postgresql = true)
    void statementsTheEngineCommitsImplicitlyKeepTheReplicasInStep(Engine engine) throws Exception {
        try (Connection c = start(engine); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE ev (id INT PRIMARY KEY, note VARCHAR(20))" + engine.tableOptions());
            c.setAutoCommit(false);
            st.executeUpdate("INSERT INTO ev VALUES (1, 'before SET')");
            st.execute(engine == Engine.MARIADB ? "SET autocommit = 1" : "SET AUTOCOMMIT TRUE");
            assertThat(c.getAutoCommit()).isTrue();
            st.executeUpdate("INSERT INTO ev VALUES (2, 'auto-commit')");
            st.execute(engine == Engine.MARIADB ? "SET @@session.autocommit = OFF" : "SET AUTOCOMMIT FALSE");
            assertThat(c.getAutoCommit()).isFalse();
            st.executeUpdate("INSERT INTO ev VALUES (3, 'before ANALYZE')");
            st.execute(engine == Engine.MARIADB ? "ANALYZE TABLE ev" : "ANALYZE");
            st.executeUpdate("INSERT INTO ev VALUES (4, 'rolled back')");
            c.rollback();
            st.executeUpdate("INSERT INTO ev VALUES (5, 'committed')");
            c.commit();
            assertThatSetAutocommitWithOtherSettingsIsRefused(st);
            c.setAutoCommit(true);
        }
        assertIdentical("ev", "id", 4);
        try (Connection p = topo.primary()) {
            assertThat(TestTopology.dump(p, "ev", "id")).extracting(r -> r.get(0)).containsExactly("1", "2", "3", "5");
        }
    }

    private static void assertThatSetAutocommitWithOtherSettingsIsRefused(Statement st) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> st.execute("SET @a = 1, autocommit = 1"))
                .isInstanceOf(java.sql.SQLFeatureNotSupportedException.class).hasMessageContaining("SET AUTOCOMMIT");
    }

    private static int single(Statement st, String sql) throws java.sql.SQLException {
        try (java.sql.ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getInt(1);
        }
    }
}
