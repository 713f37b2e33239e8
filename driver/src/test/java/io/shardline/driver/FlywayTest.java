package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flyway migrations run through Shardline, given a {@link ShardlineDataSource} (as Spring Boot does)
 * or the {@code jdbc:shardline:} URL (through the {@code ShardlineDatabaseType} plugin), create the
 * same tables, rows and schema history on the primary and on every replica.
 */
class FlywayTest {

    private static final String LOCATION = "classpath:db/migration-shardline";
    private static final int REPLICAS = 2;

    @TempDir
    Path dir;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) toClose.get(i).close();
    }

    /** The physical nodes of a topology, read directly, and how to find tables on them. */
    interface Nodes {
        String url();

        Connection node(int i) throws SQLException; // 0 = primary, 1.. = replicas

        /** The application tables of the node's own schema/database, lower-cased. */
        TreeSet<String> appTables(Connection c) throws SQLException;

        /** Shardline's own tables (in schema SHARDLINE on H2, database shardline_&lt;db&gt; on MariaDB). */
        TreeSet<String> shardlineTables(Connection c) throws SQLException;

        /** How the history table is named in SQL on this node. */
        String history();

        /** An identifier Flyway created (lower case), quoted as this node needs. */
        String q(String identifier);

        /** The foreign keys fw_book has on this node, as "FKCOLUMN->PKTABLE.PKCOLUMN". */
        TreeSet<String> bookForeignKeys(Connection c) throws SQLException;
    }

    // ---------------------------------------------------------------- H2

    private Nodes h2() throws Exception {
        TestTopologies.H2 t = new TestTopologies.H2(dir, REPLICAS, null);
        toClose.add(() -> ShardlineDriver.close(t.url));
        return new Nodes() {
            public String url() {
                return t.url;
            }

            public Connection node(int i) throws SQLException {
                return i == 0 ? t.primary() : t.replica(i - 1);
            }

            public TreeSet<String> appTables(Connection c) throws SQLException {
                return strings(c, "SELECT LOWER(TABLE_NAME) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'");
            }

            public TreeSet<String> shardlineTables(Connection c) throws SQLException {
                return strings(c, "SELECT LOWER(TABLE_NAME) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'SHARDLINE'");
            }

            public String history() {
                return "\"flyway_schema_history\"";
            }

            public String q(String identifier) {
                return '"' + identifier + '"';
            }

            public TreeSet<String> bookForeignKeys(Connection c) throws SQLException {
                return foreignKeys(c, null, "PUBLIC", "FW_BOOK");
            }
        };
    }

    @Test
    void h2ViaDataSource() throws Exception {
        Nodes n = h2();
        ShardlineDataSource ds = ShardlineDataSource.forUrl(n.url());
        toClose.add(ds);
        migrateAndVerify(n, Flyway.configure().dataSource(ds));
    }

    @Test
    void h2ViaUrl() throws Exception {
        Nodes n = h2();
        migrateAndVerify(n, Flyway.configure().dataSource(n.url(), null, null));
    }

    // ---------------------------------------------------------------- MariaDB

    private Nodes mariaDb() throws Exception {
        MariaDb m = new MariaDb(dir, REPLICAS, null);
        toClose.add(m);
        return new Nodes() {
            public String url() {
                return m.url;
            }

            public Connection node(int i) throws SQLException {
                return i == 0 ? m.primary() : m.replica(i - 1);
            }

            private String db(Connection c) throws SQLException {
                return c.getCatalog();
            }

            public TreeSet<String> appTables(Connection c) throws SQLException {
                return strings(c, "SELECT LOWER(TABLE_NAME) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = '" + db(c) + "'");
            }

            public TreeSet<String> shardlineTables(Connection c) throws SQLException {
                return strings(c, "SELECT LOWER(TABLE_NAME) FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'shardline_" + db(c) + "'");
            }

            public String history() {
                return "flyway_schema_history";
            }

            public String q(String identifier) {
                return '`' + identifier + '`';
            }

            public TreeSet<String> bookForeignKeys(Connection c) throws SQLException {
                return foreignKeys(c, db(c), null, "fw_book");
            }
        };
    }

    @Test
    void mariaDbViaDataSource() throws Exception {
        Nodes n = mariaDb();
        ShardlineDataSource ds = ShardlineDataSource.forUrl(n.url());
        toClose.add(ds);
        migrateAndVerify(n, Flyway.configure().dataSource(ds));
    }

    @Test
    void mariaDbViaUrl() throws Exception {
        Nodes n = mariaDb();
        migrateAndVerify(n, Flyway.configure().dataSource(n.url(), null, null));
    }

    // ---------------------------------------------------------------- the scenario

    private void migrateAndVerify(Nodes n, org.flywaydb.core.api.configuration.FluentConfiguration config) throws Exception {
        Flyway flyway = config.locations(LOCATION).load();

        MigrateResult result = flyway.migrate();
        assertThat(result.success).isTrue();
        assertThat(result.migrationsExecuted).isEqualTo(3);
        assertThat(result.targetSchemaVersion).isEqualTo("3");

        // a second migrate, right away, is a no-op: Flyway reads the history under its lock, in a
        // transaction, which Shardline runs on the primary
        assertThat(flyway.migrate().migrationsExecuted).isZero();

        // shares the URL's runtime with the driver (and with the data source, if one is used);
        // closing it would close that runtime, so it stays open until the end of the test
        ShardlineDataSource shared = ShardlineDataSource.forUrl(n.url());
        toClose.add(shared);
        boolean caughtUp = shared.awaitReplication(Duration.ofSeconds(30));
        assertThat(caughtUp).as("replicas caught up: %s", shared.status()).isTrue();

        // info() reads the history in auto-commit from a fresh connection, i.e. from a replica
        // (read-your-writes is per connection): once replicas caught up, nothing is pending
        assertThat(flyway.info().pending()).isEmpty();
        assertThat(flyway.info().applied()).extracting(MigrationInfo::getState).containsOnly(MigrationState.SUCCESS);
        assertThat(flyway.info().current().getVersion().getVersion()).isEqualTo("3");
        assertThat(flyway.validateWithResult().validationSuccessful).isTrue();
        assertThat(flyway.migrate().migrationsExecuted).isZero();

        List<List<String>> authors;
        List<List<String>> books;
        List<List<String>> history;
        List<String> installedOn;
        TreeSet<String> fks;
        try (Connection p = n.node(0)) {
            assertThat(n.appTables(p)).containsExactly("flyway_schema_history", "fw_author", "fw_book");
            assertThat(n.shardlineTables(p)).as("Shardline's tables live outside the application schema").isNotEmpty();
            authors = TestTopologies.dump(p, "fw_author", "id");
            books = TestTopologies.dump(p, "fw_book", "id");
            history = historyRows(p, n);
            installedOn = installedOn(p, n);
            fks = n.bookForeignKeys(p);
        }
        assertThat(authors).containsExactly(
                List.of("1", "Ursula K. Le Guin"), List.of("2", "Stanislaw Lem"), List.of("3", "Octavia E. Butler"));
        assertThat(books).containsExactly(
                List.of("10", "1", "The Dispossessed", "12.50", "1974"),
                List.of("11", "1", "The Left Hand of Darkness", "11.00", "1969"),
                List.of("20", "2", "Solaris", "9.99", "1961"),
                List.of("30", "3", "Kindred", "14.25", "1979"),
                List.of("31", "3", "Parable of the Sower", "13.75", "1993"));
        // (on H2 Flyway also records a "<< Flyway Schema History table created >>" row without a version)
        assertThat(history).filteredOn(r -> !r.get(1).equals("null")).extracting(r -> r.get(1) + "|" + r.get(2) + "|" + r.get(8))
                .containsExactly("1|create|true", "2|seed|true", "3|alter|true");
        assertThat(fks).containsExactly("author_id->fw_author.id");

        for (int i = 1; i <= REPLICAS; i++) {
            try (Connection r = n.node(i)) {
                String node = "replica " + (i - 1);
                assertThat(n.appTables(r)).as(node).containsExactly("flyway_schema_history", "fw_author", "fw_book");
                assertThat(TestTopologies.dump(r, "fw_author", "id")).as(node).isEqualTo(authors);
                assertThat(TestTopologies.dump(r, "fw_book", "id")).as(node).isEqualTo(books);
                assertThat(historyRows(r, n)).as(node + " history").isEqualTo(history);
                assertThat(n.bookForeignKeys(r)).as(node).isEqualTo(fks);
                // installed_on is the history table's DEFAULT CURRENT_TIMESTAMP: for the rows Flyway INSERTs
                // it is evaluated once on the primary and bound for every node (Determinism). H2's marker
                // row comes from CREATE TABLE ... AS SELECT ..., CURRENT_TIMESTAMP: DDL replayed as text,
                // which still evaluates per node.
                List<String> replicaInstalledOn = installedOn(r, n);
                assertThat(replicaInstalledOn).as(node + " installed_on").hasSameSizeAs(installedOn);
                for (int k = 0; k < installedOn.size(); k++) {
                    if (history.get(k).get(3).equals("table")) continue;
                    assertThat(replicaInstalledOn.get(k)).as(node + " installed_on of row " + k).isEqualTo(installedOn.get(k));
                }
            }
        }
    }

    /** Every history column Flyway writes explicitly (all but installed_on), ordered by installed_rank. */
    private static List<List<String>> historyRows(Connection c, Nodes n) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        StringBuilder cols = new StringBuilder();
        for (String col : List.of("installed_rank", "version", "description", "type", "script", "checksum", "installed_by",
                "execution_time", "success")) {
            cols.append(cols.length() == 0 ? "" : ", ").append(n.q(col));
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT " + cols + " FROM " + n.history() + " ORDER BY " + n.q("installed_rank"))) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= 9; i++) row.add(String.valueOf(rs.getObject(i)).toLowerCase(Locale.ROOT));
                rows.add(row);
            }
        }
        return rows;
    }

    private static List<String> installedOn(Connection c, Nodes n) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT " + n.q("installed_on") + " FROM " + n.history() + " ORDER BY " + n.q("installed_rank"))) {
            while (rs.next()) out.add(String.valueOf(rs.getObject(1)));
        }
        return out;
    }

    private static TreeSet<String> strings(Connection c, String sql) throws SQLException {
        TreeSet<String> out = new TreeSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    private static TreeSet<String> foreignKeys(Connection c, String catalog, String schema, String table) throws SQLException {
        TreeSet<String> out = new TreeSet<>();
        try (ResultSet rs = c.getMetaData().getImportedKeys(catalog, schema, table)) {
            while (rs.next()) {
                out.add((rs.getString("FKCOLUMN_NAME") + "->" + rs.getString("PKTABLE_NAME") + "." + rs.getString("PKCOLUMN_NAME"))
                        .toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }
}
