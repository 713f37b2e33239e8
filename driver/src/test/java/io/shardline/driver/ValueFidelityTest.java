package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.replication.Verification;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AutoClose;

/**
 * Values are exact: every column type the engines share — integers at their limits, DECIMAL(38,10),
 * DOUBLE and REAL incl. subnormals and (on H2) NaN and ±Infinity, strings with any Unicode and
 * control characters, LOBs of several MB, DATE/TIME/TIMESTAMP with fractions, TIMESTAMP WITH TIME
 * ZONE, BOOLEAN, UUID, NULL of every type — reach the replicas identical, by insert, update (also
 * of the key) and delete. The comparison reads every column as text and, for binary columns, as
 * bytes: what a replica stored must be what the primary stored, not a value that merely converts
 * back to the same Java object.
 */
class ValueFidelityTest {

    private static final int LOB_BYTES = 3 << 20;

    @AutoClose
    TestTopology topo;

    /** PostgreSQL's numeric NaN and ±Infinity (no BigDecimal holds them) reach the replicas as they are. */
    @org.junit.jupiter.api.Test
    void postgresqlNumericNanAndInfinity() throws Exception {
        topo = TestTopology.on(Engine.POSTGRESQL).replicas(2).build();
        ShardlineDataSource ds = topo.dataSource();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE nums (id INT PRIMARY KEY, n NUMERIC, c NUMERIC(10,2))");
            st.executeUpdate("INSERT INTO nums VALUES (1, 'NaN', 'NaN'), (2, 'Infinity', 1.50), (3, '-Infinity', NULL),"
                    + " (4, 12.345, -0.01)");
            st.executeUpdate("UPDATE nums SET n = 'NaN', c = 2.25 WHERE id = 4");
            st.executeUpdate("UPDATE nums SET n = 7 WHERE id = 1");
        }
        assertThat(ds.awaitReplication(Duration.ofSeconds(30))).as("caught up: %s", ds.status()).isTrue();
        try (Connection p = topo.primary(); Connection r0 = topo.replica(0); Connection r1 = topo.replica(1)) {
            List<List<String>> expected = TestTopology.dump(p, "nums", "id");
            assertThat(expected.toString()).contains("NaN", "Infinity", "-Infinity");
            assertThat(TestTopology.dump(r0, "nums", "id")).isEqualTo(expected);
            assertThat(TestTopology.dump(r1, "nums", "id")).isEqualTo(expected);
        }
        Verification.Report report = ds.verify(Verification.Options.defaults(), null);
        assertThat(report.consistent()).as(report.format()).isTrue();
    }

    @PerEngine(postgresql = true)
    void everySharedTypeRoundTripsExactly(Engine engine) throws Exception {
        topo = TestTopology.on(engine).replicas(2).build();
        ShardlineDataSource ds = topo.dataSource();
        boolean maria = engine == Engine.MARIADB;
        boolean pg = engine == Engine.POSTGRESQL;
        String ddl = pg
                ? "CREATE TABLE vals (id INT PRIMARY KEY, ti SMALLINT, si SMALLINT, i INT, bi BIGINT,"
                + " dec38 DECIMAL(38,10), dbl DOUBLE PRECISION, rl REAL, vc VARCHAR(200), ch CHAR(3), txt TEXT,"
                + " bin BYTEA, lob BYTEA, d DATE, t TIME(6), ts TIMESTAMP(6), tstz TIMESTAMP(6) WITH TIME ZONE,"
                + " b BOOLEAN, u UUID)"
                : "CREATE TABLE vals (id INT PRIMARY KEY, ti TINYINT, si SMALLINT, i INT, bi BIGINT,"
                + " dec38 DECIMAL(38,10), dbl DOUBLE PRECISION, rl " + (maria ? "FLOAT" : "REAL") + ","
                + " vc VARCHAR(200)" + (maria ? " CHARACTER SET utf8mb4" : "") + ","
                + " ch CHAR(3), txt " + (maria ? "LONGTEXT CHARACTER SET utf8mb4" : "CLOB") + ","
                + " bin VARBINARY(64), lob " + (maria ? "LONGBLOB" : "BLOB") + ","
                + " d DATE, t " + (maria ? "TIME(6)" : "TIME(6)") + ", ts " + (maria ? "DATETIME(6)" : "TIMESTAMP(9)") + ","
                + " tstz " + (maria ? "TIMESTAMP(6) NULL" : "TIMESTAMP(9) WITH TIME ZONE") + ","
                + " b BOOLEAN, u " + (maria ? "UUID" : "UUID") + ")" + engine.tableOptions();
        Random random = new Random(11);
        byte[] lob = new byte[LOB_BYTES];
        random.nextBytes(lob);
        String bigText = bigText(random, LOB_BYTES / 4);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute(ddl);
            if (maria) st.execute("SET time_zone = '+05:30'"); // TIMESTAMP literals below are read in this zone
            st.executeUpdate("INSERT INTO vals (id) VALUES (0)"); // NULL in every column
            st.executeUpdate("INSERT INTO vals VALUES (1, -128, -32768, -2147483648, -9223372036854775808,"
                    + " -9999999999999999999999999999.9999999999, 4.9E-324, " + (maria ? "-3.4e38" : "1.4E-45") + ","
                    + " 'quote '' back\\\\slash', 'abc', 'line\nbreak\ttab', " + bytes(pg, "00FF7F80") + ", " + bytes(pg, "")
                    + ", DATE '0001-01-01',"
                    + " TIME '00:00:00', TIMESTAMP '1970-01-01 00:00:00.000001',"
                    + (maria ? " '2038-01-19 03:14:07.499999'" : " TIMESTAMP WITH TIME ZONE '2024-03-31 02:30:00.123456789+13:45'")
                    + ", FALSE, '00000000-0000-0000-0000-000000000000')");
            st.executeUpdate("INSERT INTO vals VALUES (2, 127, 32767, 2147483647, 9223372036854775807,"
                    + " 9999999999999999999999999999.9999999999, 1.7976931348623157E308, " + (maria ? "3.4e38" : "3.4028235E38") + ","
                    + " 'Ünïcödé ✓ 中文 𝄞 🎉 e\u0301', 'éa ', 'x', " + bytes(pg, "DEADBEEF") + ", " + bytes(pg, "01")
                    + ", DATE '9999-12-31',"
                    + " TIME '23:59:59.999999', TIMESTAMP '2024-02-29 12:34:56.987654',"
                    + (maria ? " '1970-01-01 05:30:01'" : " TIMESTAMP WITH TIME ZONE '1900-01-01 00:00:00-08:00'")
                    + ", TRUE, 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6')");
        }
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO vals (id, dbl, rl, vc, txt, bin, lob, dec38, bi, b)"
                     + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setInt(1, 3);
            ps.setDouble(2, maria ? -0.1 : Double.NaN);
            ps.setFloat(3, maria ? 0.1f : Float.NEGATIVE_INFINITY);
            // MariaDB's and PostgreSQL's text cannot hold U+0000
            ps.setString(4, "\u0001\u001f\u007f\u00a0\u2028\uFEFF" + (maria || pg ? "" : "\u0000"));
            ps.setString(5, bigText);
            ps.setBytes(6, new byte[64]);
            ps.setBytes(7, lob);
            ps.setBigDecimal(8, new BigDecimal("0.0000000001"));
            ps.setLong(9, 0);
            ps.setNull(10, Types.BOOLEAN);
            ps.executeUpdate();
            ps.setInt(1, 4);
            ps.setDouble(2, maria ? Math.PI : Double.POSITIVE_INFINITY);
            ps.setFloat(3, maria ? Float.MIN_VALUE : Float.NaN);
            ps.setString(4, "");
            ps.setString(5, "");
            ps.setBytes(6, new byte[0]);
            ps.setNull(7, pg ? Types.BINARY : Types.BLOB); // PostgreSQL: BLOB means a large object (oid)
            ps.setBigDecimal(8, new BigDecimal("-12.5"));
            ps.setLong(9, Long.MIN_VALUE + 1);
            ps.setBoolean(10, true);
            ps.executeUpdate();
        }
        assertIdentical(ds, 5);

        // updates: values to NULL and back, the big LOB rewritten, a key moved, a row deleted
        byte[] lob2 = lob.clone();
        lob2[LOB_BYTES / 2] ^= 1;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE vals SET vc = NULL, dbl = NULL, u = NULL, ts = NULL WHERE id = 2");
            try (PreparedStatement ps = c.prepareStatement("UPDATE vals SET lob = ?, txt = ? WHERE id = 3")) {
                ps.setBytes(1, lob2);
                ps.setString(2, bigText + "✓");
                ps.executeUpdate();
            }
            st.executeUpdate("UPDATE vals SET id = 10, dec38 = dec38 / 3 WHERE id = 1");
            st.executeUpdate("UPDATE vals SET lob = bin WHERE id = 0");
            st.executeUpdate("DELETE FROM vals WHERE id = 4");
        }
        assertIdentical(ds, 4);
        try (Connection p = topo.primary(); Statement st = p.createStatement();
             ResultSet rs = st.executeQuery("SELECT lob FROM vals WHERE id = 3")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getBytes(1)).isEqualTo(lob2); // the comparison above compared the real bytes
        }
    }

    private void assertIdentical(ShardlineDataSource ds, int rows) throws Exception {
        assertThat(ds.awaitReplication(Duration.ofSeconds(30))).isTrue();
        List<List<String>> expected;
        try (Connection p = topo.primary()) {
            expected = exactDump(p);
        }
        assertThat(expected).hasSize(rows);
        for (int i = 0; i < 2; i++) {
            try (Connection r = topo.replica(i)) {
                List<List<String>> actual = exactDump(r);
                assertThat(actual.size()).as("rows on replica " + i).isEqualTo(expected.size());
                for (int row = 0; row < expected.size(); row++) {
                    // compared row by row, column by column: a mismatch names the column, not a 3 MB string
                    for (int col = 0; col < expected.get(row).size(); col++) {
                        String e = expected.get(row).get(col);
                        String a = actual.get(row).get(col);
                        if (!e.equals(a)) {
                            assertThat(abbreviate(a)).as("replica " + i + " row " + row + " column " + (col + 1))
                                    .isEqualTo(abbreviate(e) + " (length " + e.length() + " vs " + a.length() + ")");
                        }
                    }
                }
            }
            assertThat(topo.status(topo.replicaName(0, i)).state()).isNotEqualTo("BROKEN");
        }
    }

    /** Every column as the engine's own text and, for binary columns, as bytes; the class of getObject too. */
    private static List<List<String>> exactDump(Connection c) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM vals ORDER BY id")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    int type = md.getColumnType(i);
                    boolean binary = type == Types.BINARY || type == Types.VARBINARY || type == Types.LONGVARBINARY
                            || type == Types.BLOB;
                    if (binary) {
                        byte[] b = rs.getBytes(i);
                        row.add(b == null ? "null" : HexFormat.of().formatHex(b));
                    } else {
                        String s = rs.getString(i);
                        Object o = rs.getObject(i);
                        row.add(s == null ? "null" : s + " :" + (o == null ? "?" : o.getClass().getSimpleName()));
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** A binary literal: PostgreSQL's bytea hex text, else X'...'. */
    private static String bytes(boolean pg, String hex) {
        return pg ? "'\\x" + hex + "'::bytea" : "X'" + hex + "'";
    }

    private static String bigText(Random random, int chars) {
        StringBuilder sb = new StringBuilder(chars);
        String alphabet = "aZ9 '\"\\\n\tüé中文✓";
        while (sb.length() < chars) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            if (random.nextInt(1000) == 0) sb.append("🎉"); // a surrogate pair now and then
        }
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "... (" + s.getBytes(StandardCharsets.UTF_8).length + " bytes)";
    }
}
