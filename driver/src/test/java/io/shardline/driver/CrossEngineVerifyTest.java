package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.replication.Resync;
import io.shardline.replication.Verification;
import io.shardline.replication.Verification.RowDiff;
import io.shardline.replication.Verification.RowDifference;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * {@code verify} and {@code resync} of a replica on another engine than its primary (MariaDB and
 * PostgreSQL, both ways), beside a replica of the primary's engine: equal rows are proved equal by
 * value although each engine prints them its own way, one corrupted value and one missing row are
 * named exactly, and a resync repairs the replica. Runs with {@code -Pmariadb,postgresql}.
 *
 * <p>The tables are created and filled directly on each node with each engine's own DDL (not
 * through Shardline), so nothing is replicated: the nodes hold what the test wrote.
 */
class CrossEngineVerifyTest {

    /** Over a resync chunk (5,000 rows), so the copy continues after a bound key. */
    private static final int ROWS = 5_003;
    private static final int CHUNK = 1_000;

    @AutoClose
    TestTopology topo;

    @Test
    void mariadbPrimaryPostgresqlReplica() throws Exception {
        topo = TestTopology.on(Engine.MARIADB).replicas(2).engine("replica-1", Engine.POSTGRESQL).build();
        String maria = "CREATE TABLE item (ID BIGINT PRIMARY KEY, Name VARCHAR(100), price DECIMAL(19,4), created DATETIME(6),"
                + " at TIMESTAMP(6) NULL, active BOOLEAN, uid UUID, data LONGBLOB) ENGINE=InnoDB";
        String pg = "create table item (id bigint primary key, name varchar(100), price numeric(19,4), created timestamp(6),"
                + " at timestamptz, active boolean, uid uuid, data bytea)";
        for (String node : List.of("primary", "replica-0")) fill(node, Engine.MARIADB, maria, false);
        fill("replica-1", Engine.POSTGRESQL, pg, false);
        scenario("at: the instant (UTC) [primary TIMESTAMP, replica timestamptz]", At.MYSQL_TIMESTAMP, At.TIMESTAMPTZ);
    }

    @Test
    void postgresqlPrimaryMariadbReplica() throws Exception {
        topo = TestTopology.on(Engine.POSTGRESQL).replicas(2).engine("replica-1", Engine.MARIADB).build();
        String pg = "create table item (id bigint primary key, name varchar(100), price numeric(19,4), created timestamp(6),"
                + " at timestamptz, active boolean, uid uuid, data bytea)";
        // a timestamptz is a DATETIME holding UTC on MariaDB
        String maria = "CREATE TABLE item (ID BIGINT PRIMARY KEY, Name VARCHAR(100), price DECIMAL(19,4), created DATETIME(6),"
                + " at DATETIME(6), active BOOLEAN, uid UUID, data LONGBLOB) ENGINE=InnoDB";
        for (String node : List.of("primary", "replica-0")) fill(node, Engine.POSTGRESQL, pg, false);
        fill("replica-1", Engine.MARIADB, maria, true);
        scenario("at: the instant (UTC) [primary timestamptz, replica DATETIME; the DATETIME read as UTC]", At.TIMESTAMPTZ,
                At.UTC_DATETIME);
    }

    /** H2's names are upper case (PUBLIC.ITEM, ID), PostgreSQL's lower case (public.item, id): matched regardless of case. */
    @Test
    void h2PrimaryPostgresqlReplica() throws Exception {
        topo = TestTopology.on(Engine.H2).replicas(2).engine("replica-1", Engine.POSTGRESQL).build();
        String h2 = "CREATE TABLE item (id BIGINT PRIMARY KEY, name VARCHAR(100), price DECIMAL(19,4), created TIMESTAMP(6),"
                + " at TIMESTAMP(6) WITH TIME ZONE, active BOOLEAN, uid UUID, data VARBINARY(100))";
        String pg = "create table item (id bigint primary key, name varchar(100), price numeric(19,4), created timestamp(6),"
                + " at timestamptz, active boolean, uid uuid, data bytea)";
        for (String node : List.of("primary", "replica-0")) fill(node, Engine.H2, h2, false);
        fill("replica-1", Engine.POSTGRESQL, pg, false);
        scenario("AT: the instant (UTC) [primary TIMESTAMP WITH TIME ZONE, replica timestamptz]", At.TIMESTAMPTZ, At.TIMESTAMPTZ);
    }

    /**
     * Verify identical; one value corrupted, then rows deleted, on replica-1; resync; identical again.
     *
     * @param instantRule the rule reported for {@code item.at}
     */
    private void scenario(String instantRule, At primaryAt, At replicaAt) throws Exception {
        ShardlineDataSource ds = topo.dataSource();
        Verification.Report clean = ds.verify(options(), null);
        assertThat(clean.consistent()).as(clean.format()).isTrue();
        Verification.TableResult item = table(clean, "replica-1", "item");
        assertThat(item.rules()).as(clean.format()).contains(instantRule)
                .anyMatch(r -> r.toLowerCase(java.util.Locale.ROOT).startsWith("price: decimal by value (scale ignored) ["));
        assertThat(item.chunks()).as("a numeric key is walked in chunks").isEqualTo(ROWS / CHUNK + 1);
        assertThat(table(clean, "replica-1", "tag").rules()).as(clean.format())
                .contains("(the engines may order the key differently: the table is compared in one chunk)");
        assertThat(table(clean, "replica-1", "tag").chunks()).isEqualTo(1);
        assertThat(table(clean, "replica-0", "item").rules()).as("same engine: compared as read").isEmpty();
        assertThat(clean.format()).contains("compared by value (replica of another engine):");

        try (Connection r = topo.direct("replica-1"); Statement st = r.createStatement()) {
            assertThat(st.executeUpdate("UPDATE item SET price = price + 0.0001 WHERE id = 7")).isEqualTo(1);
        }
        Verification.Report one = ds.verify(options(), null);
        assertThat(diffs(one, "replica-1")).as(one.format()).containsExactly(new RowDiff("7", RowDifference.DIFFERENT));
        assertThat(replica(one, "replica-0").consistent()).as(one.format()).isTrue();

        try (Connection r = topo.direct("replica-1"); Statement st = r.createStatement()) {
            assertThat(st.executeUpdate("DELETE FROM item WHERE id = 4321")).isEqualTo(1);
            assertThat(st.executeUpdate("DELETE FROM tag WHERE code = 'k05'")).isEqualTo(1);
            assertThat(st.executeUpdate("UPDATE note SET n = 99 WHERE n = 2")).isEqualTo(1);
        }
        Verification.Report bad = ds.verify(options(), null);
        assertThat(diffs(bad, "replica-1")).as(bad.format()).containsExactlyInAnyOrder(
                new RowDiff("7", RowDifference.DIFFERENT),
                new RowDiff("4321", RowDifference.MISSING_ON_REPLICA),
                new RowDiff("k05", RowDifference.MISSING_ON_REPLICA),
                new RowDiff("(whole table: primary 3 rows, replica 3 rows)", RowDifference.DIFFERENT));

        System.out.println("CLEAN\n" + clean.format() + "BAD\n" + bad.format());
        Resync.Result res = ds.resync("replica-1", null);
        assertThat(res.rows()).isEqualTo(ROWS + 12 + 3);
        Verification.Report after = ds.verify(options(), null);
        assertThat(after.consistent()).as(after.format()).isTrue();
        try (Connection p = topo.primary(); Connection r = topo.direct("replica-1")) {
            assertThat(items(r, replicaAt)).isEqualTo(items(p, primaryAt));
            assertThat(tags(r)).isEqualTo(tags(p));
        }
    }

    /**
     * Creates {@code item} (and {@code tag}, keyed by text, and {@code note}, without key) on
     * {@code node} and fills them with the same rows as every other node.
     *
     * @param utcDatetime {@code item.at} is a DATETIME holding the instant's UTC time
     */
    private void fill(String node, Engine e, String itemDdl, boolean utcDatetime) throws SQLException {
        try (Connection c = topo.direct(node); Statement st = c.createStatement()) {
            st.execute(itemDdl);
            st.execute("CREATE TABLE tag (code VARCHAR(20) PRIMARY KEY, label CHAR(10), n INT)" + e.tableOptions());
            st.execute("CREATE TABLE note (body VARCHAR(50), n INT)" + e.tableOptions());
            c.setAutoCommit(false);
            String at = e == Engine.MARIADB && !utcDatetime ? "FROM_UNIXTIME(?)" : "?";
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO item VALUES (?, ?, ?, ?, " + at + ", ?, ?, ?)")) {
                for (int i = 1; i <= ROWS; i++) {
                    ps.setLong(1, i);
                    ps.setString(2, i % 10 == 0 ? null : "name " + i);
                    ps.setBigDecimal(3, BigDecimal.valueOf(12345L * i + 1, 4));
                    LocalDateTime created = LocalDateTime.of(2026, 1, 1, 0, 0).plusSeconds(3601L * i).plusNanos(1000L * i);
                    Instant instant = Instant.parse("2030-06-01T12:00:00Z").plusSeconds(7L * i).plusNanos(999_000L * (i % 1000));
                    if (e == Engine.MARIADB) {
                        // as text: Connector/J sends MariaDB 10.x no fraction of a date-time
                        ps.setString(4, created.toString());
                        BigDecimal epoch = BigDecimal.valueOf(instant.getEpochSecond()).add(BigDecimal.valueOf(instant.getNano(), 9));
                        if (utcDatetime) ps.setString(5, LocalDateTime.ofInstant(instant, ZoneOffset.UTC).toString());
                        else ps.setBigDecimal(5, epoch);
                        ps.setString(7, uuid(i).toString());
                    } else {
                        ps.setObject(4, created);
                        ps.setObject(5, instant.atOffset(ZoneOffset.UTC));
                        ps.setObject(7, uuid(i));
                    }
                    if (i % 7 == 0) ps.setNull(6, java.sql.Types.BOOLEAN);
                    else ps.setBoolean(6, i % 3 == 0);
                    ps.setBytes(8, new byte[] {(byte) i, (byte) (i >> 8), 0, (byte) 0xff});
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            for (int i = 1; i <= 12; i++) {
                // PostgreSQL pads a char(10), MariaDB strips it: the same value
                String label = i % 2 == 0 ? "Ab" : "x y";
                st.execute("INSERT INTO tag VALUES ('k" + String.format("%02d", i) + "', '" + label + "', " + i + ")");
            }
            for (int i = 1; i <= 3; i++) st.execute("INSERT INTO note VALUES ('note " + i + "', " + i + ")");
            c.commit();
        }
    }

    private static UUID uuid(int i) {
        return UUID.nameUUIDFromBytes(("item " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** What {@code item.at} is on a node. */
    private enum At {
        /** MariaDB's TIMESTAMP: read as epoch seconds, which no time zone shifts. */
        MYSQL_TIMESTAMP,
        /** MariaDB's DATETIME holding UTC. */
        UTC_DATETIME,
        TIMESTAMPTZ
    }

    /** Every item as text both engines agree on, read directly (whatever the JVM's time zone). */
    private static List<String> items(Connection c, At at) throws SQLException {
        String select = "SELECT id, name, price, created, " + (at == At.MYSQL_TIMESTAMP ? "UNIX_TIMESTAMP(at)" : "at")
                + ", active, uid, data FROM item ORDER BY id";
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(select)) {
            while (rs.next()) {
                Instant instant = switch (at) {
                    case MYSQL_TIMESTAMP -> {
                        BigDecimal epoch = rs.getBigDecimal(5);
                        yield epoch == null ? null : Instant.ofEpochSecond(epoch.longValue(),
                                epoch.remainder(BigDecimal.ONE).movePointRight(9).longValue());
                    }
                    case UTC_DATETIME -> {
                        LocalDateTime t = rs.getObject(5, LocalDateTime.class);
                        yield t == null ? null : t.toInstant(ZoneOffset.UTC);
                    }
                    case TIMESTAMPTZ -> {
                        OffsetDateTime o = rs.getObject(5, OffsetDateTime.class);
                        yield o == null ? null : o.toInstant();
                    }
                };
                boolean active = rs.getBoolean(6);
                out.add(rs.getLong(1) + "|" + rs.getString(2) + "|" + rs.getBigDecimal(3).toPlainString() + "|"
                        + rs.getObject(4, LocalDateTime.class) + "|" + instant + "|" + (rs.wasNull() ? null : active) + "|"
                        + rs.getString(7) + "|" + HexFormat.of().formatHex(rs.getBytes(8)));
            }
        }
        return out;
    }

    /** Every tag, its CHAR label without the padding PostgreSQL adds. */
    private static List<String> tags(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT code, label, n FROM tag ORDER BY code")) {
            while (rs.next()) out.add(rs.getString(1) + "|" + rs.getString(2).stripTrailing() + "|" + rs.getInt(3));
        }
        return out;
    }

    private static Verification.Options options() {
        return Verification.Options.defaults().withChunkSize(CHUNK).withCatchUpTimeout(Duration.ofSeconds(5));
    }

    private static Verification.ReplicaResult replica(Verification.Report r, String name) {
        return r.replicas().stream().filter(x -> x.replica().equals(name)).findFirst().orElseThrow();
    }

    private static Verification.TableResult table(Verification.Report r, String replica, String table) {
        return replica(r, replica).tables().stream().filter(t -> t.table().equalsIgnoreCase(table)).findFirst().orElseThrow();
    }

    /** Every differing row of a replica, over all tables. */
    private static List<RowDiff> diffs(Verification.Report r, String replica) {
        List<RowDiff> out = new ArrayList<>();
        for (Verification.TableResult t : replica(r, replica).tables()) {
            assertThat(t.error()).as(r.format()).isNull();
            t.differences().forEach(d -> out.addAll(d.rows()));
        }
        return out;
    }
}
