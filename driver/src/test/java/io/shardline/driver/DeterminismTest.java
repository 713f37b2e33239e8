package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Non-deterministic values in writes (NOW(), CURRENT_TIMESTAMP, RAND(), UUID(), RANDOM_UUID(), such
 * DEFAULTs of omitted columns, session functions and variables): the capture records the row the
 * primary stored, so after replication the primary and the replicas hold identical rows.
 */
class DeterminismTest {

    @AutoClose
    TestTopology topo;
    ShardlineDataSource ds;

    /** A connection through Shardline to a fresh topology on {@code engine}. */
    private Connection start(Engine engine, int replicas) throws Exception {
        topo = TestTopology.on(engine).replicas(replicas).build();
        ds = topo.dataSource();
        return ds.getConnection();
    }

    /** Waits for replication, then compares {@code table} column by column on every node. */
    private List<List<String>> assertIdentical(String table, String orderBy, int replicas) throws Exception {
        assertThat(ds.awaitReplication(Duration.ofSeconds(30))).isTrue();
        try (Connection p = topo.primary()) {
            List<List<String>> expected = TestTopology.dump(p, table, orderBy);
            for (int i = 0; i < replicas; i++) {
                try (Connection r = topo.replica(i)) {
                    assertThat(TestTopology.dump(r, table, orderBy)).as("replica " + i + " of " + table).isEqualTo(expected);
                }
            }
            return expected;
        }
    }

    private static void pause() throws InterruptedException {
        Thread.sleep(3); // make a node-local clock read observably different
    }

    private static List<String> column(List<List<String>> rows, int index) {
        List<String> out = new ArrayList<>();
        for (List<String> r : rows) out.add(r.get(index));
        return out;
    }

    // ------------------------------------------------------------------ every engine

    /**
     * Generated keys (one row at a time, batched, several rows per statement, after a gap only
     * the primary has) together with non-deterministic DEFAULTs of omitted columns: the replicas get
     * the primary's keys and the primary's default values.
     */
    @PerEngine(postgresql = true)
    void identityKeysAndNonDeterministicDefaultsTogether(Engine engine) throws Exception {
        boolean h2 = engine == Engine.H2 || engine == Engine.H2_TCP;
        String defaults = switch (engine) {
            case H2, H2_TCP -> "created TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6), ref UUID DEFAULT RANDOM_UUID()";
            case MARIADB -> "created DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6), ref CHAR(36) DEFAULT (UUID())";
            case POSTGRESQL -> "created TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6), ref UUID DEFAULT gen_random_uuid()";
        };
        try (Connection c = start(engine, 1); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE item (id " + engine.identity() + " PRIMARY KEY, name VARCHAR(20), " + defaults + ")"
                    + engine.tableOptions());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO item (name) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 0; i < 3; i++) {
                    pause();
                    ps.setString(1, "n" + i);
                    ps.executeUpdate();
                    try (ResultSet k = ps.getGeneratedKeys()) {
                        assertThat(k.next()).isTrue();
                        assertThat(k.getLong(1)).isEqualTo(i + 1);
                    }
                }
                for (int i = 3; i < 8; i++) {
                    ps.setString(1, "n" + i);
                    ps.addBatch();
                }
                ps.executeBatch();
                List<Long> ids = new ArrayList<>();
                try (ResultSet k = ps.getGeneratedKeys()) {
                    while (k.next()) ids.add(k.getLong(1));
                }
                assertThat(ids).containsExactly(4L, 5L, 6L, 7L, 8L);
            }
            try (Connection p = topo.primary(); Statement ps = p.createStatement()) {
                ps.execute(engine.restartIdentity("item", "id", 500)); // a gap only the primary has
            }
            pause();
            st.executeUpdate("INSERT INTO item (name) VALUES ('x'), ('y')", Statement.RETURN_GENERATED_KEYS);
            List<Long> ids = new ArrayList<>();
            try (ResultSet k = st.getGeneratedKeys()) {
                while (k.next()) ids.add(k.getLong(1));
            }
            assertThat(ids).containsExactly(500L, 501L);
            if (h2) {
                // Hibernate's IDENTITY insert on H2 lists the key with DEFAULT
                try (PreparedStatement ps = c.prepareStatement("insert into item (name, id) values (?, default)", Statement.RETURN_GENERATED_KEYS)) {
                    for (int i = 0; i < 4; i++) {
                        ps.setString(1, "h" + i);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                    ids.clear();
                    try (ResultSet k = ps.getGeneratedKeys()) {
                        while (k.next()) ids.add(k.getLong(1));
                    }
                    assertThat(ids).containsExactly(502L, 503L, 504L, 505L);
                }
            }
            st.executeUpdate("INSERT INTO item (name, created) VALUES ('now', NOW())", Statement.RETURN_GENERATED_KEYS);
        }
        int expected = 3 + 5 + 2 + (h2 ? 4 : 0) + 1;
        List<List<String>> rows = assertIdentical("item", "id", 1);
        assertThat(rows).hasSize(expected);
        assertThat(new HashSet<>(column(rows, 3))).as("one ref per row").hasSize(expected);
    }

    /**
     * What statement replay could not reproduce: session functions, session variables behind a
     * write, per-row functions in an UPDATE, an INSERT without a column list using DEFAULT and
     * NULL for the identity. The capture records the values the primary stored.
     */
    @PerEngine(postgresql = true)
    void sessionStateAndSessionFunctionsReplicateThePrimarysValues(Engine engine) throws Exception {
        try (Connection c = start(engine, 1); Statement st = c.createStatement()) {
            boolean pg = engine == Engine.POSTGRESQL;
            st.execute("CREATE TABLE s (id INT PRIMARY KEY, who VARCHAR(80), v INT, r DOUBLE PRECISION)" + engine.tableOptions());
            st.execute("CREATE TABLE auto (id " + engine.identity() + " PRIMARY KEY, name VARCHAR(20))" + engine.tableOptions());
            assertThat(st.executeUpdate("INSERT INTO s (id, who) VALUES (1, CURRENT_USER)")).isEqualTo(1);
            assertThat(st.executeUpdate("INSERT INTO s (id, who) VALUES (2, " + (pg ? "current_database()" : "DATABASE()") + ")")).isEqualTo(1);
            // a session variable behind a write (PostgreSQL: a custom setting)
            st.execute(pg ? "SET app.v = '5'" : "SET @v = 5");
            assertThat(st.executeUpdate("INSERT INTO s (id, v) VALUES (3, " + (pg ? "current_setting('app.v')::int" : "@v") + ")")).isEqualTo(1);
            assertThat(st.executeUpdate("UPDATE s SET r = " + (pg ? "random()" : "RAND()"))).isEqualTo(3);
            st.executeUpdate("INSERT INTO auto VALUES (DEFAULT, 'd')");
            st.executeUpdate("INSERT INTO auto (name) VALUES ('n')");
        }
        List<List<String>> rows = assertIdentical("s", "id", 1);
        assertThat(rows.get(2).get(2)).isEqualTo("5");
        assertThat(column(rows, 1).subList(0, 2)).doesNotContain("null");
        assertThat(assertIdentical("auto", "id", 1)).hasSize(2);
    }

    // ------------------------------------------------------------------ H2's functions

    @Test
    void timeFunctionsInInsertUpdateAndDeleteAreEvaluatedOnce() throws Exception {
        try (Connection c = start(Engine.H2, 2); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE ev (id INT PRIMARY KEY, at TIMESTAMP(9), d DATE, note VARCHAR(20))");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ev (id, at, d) VALUES (?, CURRENT_TIMESTAMP, CURRENT_DATE)")) {
                for (int i = 1; i <= 5; i++) {
                    pause();
                    ps.setInt(1, i);
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
            }
            pause();
            assertThat(st.executeUpdate("UPDATE ev SET at = NOW(), note = 'u' WHERE id <= 2")).isEqualTo(2);
            pause();
            st.executeUpdate("INSERT INTO ev (id, at) VALUES (6, LOCALTIMESTAMP), (7, LOCALTIMESTAMP)");
            assertThat(st.executeUpdate("DELETE FROM ev WHERE id = 7 AND at <= CURRENT_TIMESTAMP")).isEqualTo(1);
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("UPDATE ev SET at = CURRENT_TIMESTAMP(3) WHERE id = ?")) {
                ps.setInt(1, 3);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            c.commit();
        }
        List<List<String>> rows = assertIdentical("ev", "id", 2);
        assertThat(rows).hasSize(6);
        assertThat(column(rows, 1)).doesNotContain("null");
    }

    @Test
    void perRowFunctionsInInsertValuesGetOneValuePerRow() throws Exception {
        try (Connection c = start(Engine.H2, 2); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE u (id INT PRIMARY KEY, g UUID, r DOUBLE PRECISION, n INT)");
            st.executeUpdate("INSERT INTO u (id, g, r, n) VALUES (1, RANDOM_UUID(), RAND(), FLOOR(RAND() * 1000000)),"
                    + " (2, RANDOM_UUID(), RAND(), FLOOR(RAND() * 1000000)), (3, RANDOM_UUID(), RAND(), 0)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO u (id, g, r) VALUES (?, RANDOM_UUID(), RAND())")) {
                for (int i = 10; i < 20; i++) {
                    ps.setInt(1, i);
                    ps.addBatch();
                }
                assertThat(ps.executeBatch()).hasSize(10);
            }
            // per-row functions in an UPDATE or DELETE: the captured rows carry the primary's values
            assertThat(st.executeUpdate("UPDATE u SET r = RAND()")).isEqualTo(13);
            assertThat(st.executeUpdate("DELETE FROM u WHERE g = RANDOM_UUID()")).isZero();
        }
        List<List<String>> rows = assertIdentical("u", "id", 2);
        assertThat(rows).hasSize(13);
        assertThat(new HashSet<>(column(rows, 1))).hasSize(13);
        assertThat(new HashSet<>(column(rows, 2))).hasSize(13);
    }

    @Test
    void omittedNonDeterministicDefaultsAreEvaluatedOnThePrimary() throws Exception {
        try (Connection c = start(Engine.H2, 2); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE migration (id INT PRIMARY KEY, name VARCHAR(20),"
                    + " installed_on TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6) NOT NULL,"
                    + " token UUID DEFAULT RANDOM_UUID(), kind VARCHAR(5) DEFAULT 'x')");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO migration (id, name) VALUES (?, ?)")) {
                for (int i = 1; i <= 3; i++) {
                    pause();
                    ps.setInt(1, i);
                    ps.setString(2, "m" + i);
                    assertThat(ps.executeUpdate()).isEqualTo(1);
                }
                for (int i = 100; i < 140; i++) {
                    ps.setInt(1, i);
                    ps.setString(2, "b" + i);
                    ps.addBatch();
                }
                assertThat(ps.executeBatch()).hasSize(40);
            }
            pause();
            st.executeUpdate("INSERT INTO migration (id, name) VALUES (10, 'a'), (11, 'b'), (12, 'c')");
            st.executeUpdate("INSERT INTO migration (id, name, token) VALUES (20, 'given', '00000000-0000-0000-0000-000000000001')");
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO migration (id, installed_on, name) VALUES (?, CURRENT_TIMESTAMP, ?)")) {
                ps.setInt(1, 30);
                ps.setString(2, "both");
                ps.executeUpdate();
            }
            c.commit();
        }
        List<List<String>> rows = assertIdentical("migration", "id", 2);
        assertThat(rows).hasSize(48);
        assertThat(new HashSet<>(column(rows, 3))).hasSize(48);
        assertThat(column(rows, 4)).containsOnly("x");
    }

    @Test
    void writesRunAsWritten() throws Exception {
        try (Connection c = start(Engine.H2, 1); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE plain (id INT PRIMARY KEY, at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO plain (id) VALUES (?)")) {
                ps.setInt(1, 2);
                ps.executeUpdate();
                // the physical statement is the application's own: the capture records its effect
                assertThat(ps.unwrap(org.h2.jdbc.JdbcPreparedStatement.class).toString()).contains("INSERT INTO plain (id) VALUES (?)");
            }
        }
        assertIdentical("plain", "id", 1);
    }

    // ------------------------------------------------------------------ MariaDB's functions

    @Test
    void mariaDbFunctionsAndDefaults() throws Exception {
        try (Connection c = start(Engine.MARIADB, 2); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE ev (id INT PRIMARY KEY, at DATETIME(6), g CHAR(36), r DOUBLE, u BIGINT UNSIGNED,"
                    + " created TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), token CHAR(36) DEFAULT (UUID())) ENGINE=InnoDB");
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ev (id, at, g) VALUES (?, NOW(6), UUID())")) {
                for (int i = 1; i <= 3; i++) {
                    pause();
                    ps.setInt(1, i);
                    ps.executeUpdate();
                }
            }
            st.executeUpdate("INSERT INTO ev (id, r, g, u) VALUES (10, RAND(), UUID(), UUID_SHORT()), (11, RAND(), UUID(), UUID_SHORT()),"
                    + " (12, RAND(), UUID(), UUID_SHORT())");
            pause();
            assertThat(st.executeUpdate("UPDATE ev SET at = NOW(6) WHERE id >= 10")).isEqualTo(3);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO ev (id, at) VALUES (?, CURRENT_TIMESTAMP(6))")) {
                for (int i = 100; i < 130; i++) {
                    ps.setInt(1, i);
                    ps.addBatch();
                }
                assertThat(ps.executeBatch()).hasSize(30);
            }
            assertThat(st.executeUpdate("UPDATE ev SET r = RAND()")).isEqualTo(36);
            assertThat(st.executeUpdate("UPDATE ev SET u = CONNECTION_ID() WHERE id = 1")).isEqualTo(1);
        }
        List<List<String>> rows = assertIdentical("ev", "id", 2);
        assertThat(rows).hasSize(36);
        assertThat(new HashSet<>(column(rows, 6))).hasSize(36);
        assertThat(column(rows, 5)).doesNotContain("null");
    }
}
