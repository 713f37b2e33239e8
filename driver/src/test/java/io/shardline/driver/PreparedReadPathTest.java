package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prepared statement's read path keeps primitive parameters unboxed and runs executeQuery on
 * the cached physical statement: what it must not change is what writes log (the same objects,
 * of the same classes, as when every setter boxed), what reads return, and the closed-statement
 * checks.
 */
class PreparedReadPathTest {

    private static final String INSERT = "INSERT INTO p (id, b, y, s, i, l, f, d) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

    @TempDir
    Path dir;
    ShardlineDataSource ds;
    String primaryUrl;

    @BeforeEach
    void start() throws Exception {
        String prefix = "prp" + System.nanoTime();
        primaryUrl = "jdbc:h2:mem:" + prefix + "_p;DB_CLOSE_DELAY=-1";
        Path yaml = dir.resolve("t.yaml");
        Files.writeString(yaml, "dataSources:\n"
                + "  primary: { url: \"" + primaryUrl + "\", username: sa }\n"
                + "  replica-0: { url: \"jdbc:h2:mem:" + prefix + "_r0;DB_CLOSE_DELAY=-1\", username: sa }\n"
                + "  replica-1: { url: \"jdbc:h2:mem:" + prefix + "_r1;DB_CLOSE_DELAY=-1\", username: sa }\n"
                + "shards:\n  s0: { primary: primary, replicas: [replica-0, replica-1] }\n");
        ds = ShardlineDataSource.fromYaml(yaml);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE p (id BIGINT PRIMARY KEY, b BOOLEAN, y TINYINT, s SMALLINT, i INT, l BIGINT,"
                    + " f REAL, d DOUBLE PRECISION)");
        }
    }

    @AfterEach
    void stop() {
        if (ds != null) ds.close();
    }

    private static List<List<String>> rows(Connection c) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM p ORDER BY id")) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) row.add(String.valueOf(rs.getObject(i)));
                rows.add(row);
            }
        }
        return rows;
    }

    private static void bindAll(PreparedStatement ps, long id, boolean b, byte y, short s, int i, long l, float f, double d)
            throws SQLException {
        ps.setLong(1, id);
        ps.setBoolean(2, b);
        ps.setByte(3, y);
        ps.setShort(4, s);
        ps.setInt(5, i);
        ps.setLong(6, l);
        ps.setFloat(7, f);
        ps.setDouble(8, d);
    }

    @Test
    void writesBoundWithPrimitiveSettersReachTheReplicasExactly() throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(INSERT)) {
            bindAll(ps, 1, true, (byte) -7, (short) 30_000, Integer.MIN_VALUE, Long.MAX_VALUE, Float.MIN_VALUE, -0.0d);
            assertThat(ps.executeUpdate()).isEqualTo(1);
            // a primitive overwritten by an object, and an object by a primitive
            bindAll(ps, 2, false, (byte) 0, (short) -1, 42, -42L, 1.5f, Math.PI);
            ps.setObject(5, 43L);
            ps.setString(6, "17");
            ps.setNull(7, java.sql.Types.REAL);
            ps.setInt(7, 3);
            assertThat(ps.executeUpdate()).isEqualTo(1);
            // a batch
            bindAll(ps, 3, true, (byte) 1, (short) 2, 3, 4L, 5f, 6d);
            ps.addBatch();
            bindAll(ps, 4, false, (byte) 9, (short) 8, 7, 6L, -5f, Double.MAX_VALUE);
            ps.addBatch();
            assertThat(ps.executeBatch()).containsExactly(1, 1);
        }
        // and the replicas hold what the primary holds
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        try (Connection p = DriverManager.getConnection(primaryUrl, "sa", "")) {
            List<List<String>> onPrimary = rows(p);
            assertThat(onPrimary).hasSize(4);
            for (NodeStatus n : ds.status()) {
                if (!n.node().startsWith("replica")) continue;
                String url = primaryUrl.replace("_p;", "_r" + n.node().substring("replica-".length()) + ";");
                try (Connection r = DriverManager.getConnection(url, "sa", "")) {
                    assertThat(rows(r)).isEqualTo(onPrimary);
                }
            }
        }
    }

    @Test
    void readsBindPrimitivesLikeTheirBoxedValues() throws Exception {
        try (Connection c = ds.getConnection(); PreparedStatement ins = c.prepareStatement(INSERT)) {
            for (int k = 1; k <= 10; k++) {
                bindAll(ins, k, k % 2 == 0, (byte) k, (short) (k * 100), k * 1000, k * 1_000_000_000L, k + 0.5f, k + 0.25d);
                ins.executeUpdate();
            }
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        long replicaReadsBefore = replicaReads();
        try (Connection c = ds.getConnection();
             PreparedStatement q = c.prepareStatement(
                     "SELECT id FROM p WHERE b = ? AND y = ? AND s = ? AND i = ? AND l = ? AND f = ? AND d = ?")) {
            for (int round = 0; round < 3; round++) {
                for (int k = 1; k <= 10; k++) {
                    q.setBoolean(1, k % 2 == 0);
                    q.setByte(2, (byte) k);
                    q.setShort(3, (short) (k * 100));
                    q.setInt(4, k * 1000);
                    q.setLong(5, k * 1_000_000_000L);
                    q.setFloat(6, k + 0.5f);
                    q.setDouble(7, k + 0.25d);
                    try (ResultSet rs = q.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getLong(1)).isEqualTo(k);
                        assertThat(rs.next()).isFalse();
                        assertThat(rs.getStatement()).isSameAs(q);
                    }
                    // execute() + getResultSet() sees the same through the same cached statement
                    assertThat(q.execute()).isTrue();
                    try (ResultSet rs = q.getResultSet()) {
                        assertThat(rs.next()).isTrue();
                        assertThat(rs.getLong(1)).isEqualTo(k);
                    }
                }
            }
        }
        assertThat(replicaReads() - replicaReadsBefore).isEqualTo(60);
    }

    private long replicaReads() {
        long n = 0;
        for (NodeStatus s : ds.status()) if (s.node().startsWith("replica")) n += s.reads();
        return n;
    }

    @Test
    void aPhysicalStatementClosedBehindShardlinesBackIsPreparedAgain() throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO p (id) VALUES (1), (2)");
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(10))).isTrue();
        try (Connection c = ds.getConnection(); PreparedStatement q = c.prepareStatement("SELECT id FROM p WHERE id = ?")) {
            for (int k = 0; k < 6; k++) {
                q.setLong(1, 1 + k % 2);
                try (ResultSet rs = q.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(1 + k % 2);
                }
                // the vendor statement of the read that just ran, closed directly
                q.unwrap(org.h2.jdbc.JdbcPreparedStatement.class).close();
            }
        }
    }

    @Test
    void setParametersAreWrittenInAsLiteralsFromPrimitives() throws Exception {
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement set = c.prepareStatement("SET @x = ?")) {
                set.setInt(1, 41);
                set.execute();
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @x + 1")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(42);
            }
        }
    }

    @Test
    void aClosedStatementRefusesParametersAndExecutionWithHY010() throws Exception {
        try (Connection c = ds.getConnection()) {
            PreparedStatement q = c.prepareStatement("SELECT id FROM p WHERE id = ?");
            q.setLong(1, 1);
            q.executeQuery().close();
            q.close();
            assertThatThrownBy(() -> q.setLong(1, 2)).isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("HY010");
            assertThatThrownBy(q::executeQuery).isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("HY010");
            assertThatThrownBy(q::execute).isInstanceOf(SQLException.class)
                    .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("HY010");
        }
    }
}
