package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.AutoClose;

/**
 * Flyway migrations run through Shardline, given a {@link ShardlineDataSource} (as Spring Boot does)
 * or the {@code jdbc:shardline:} URL (through the {@code ShardlineDatabaseType} plugin), create the
 * same tables, rows and schema history on the primary and on every replica.
 */
class FlywayTest {

    private static final String LOCATION = "classpath:db/migration-shardline";
    private static final int REPLICAS = 2;

    @AutoClose
    TestTopology topo;
    Engine engine;

    @PerEngine(postgresql = true)
    void viaDataSource(Engine engine) throws Exception {
        start(engine);
        migrateAndVerify(Flyway.configure().dataSource(topo.dataSource()));
    }

    @PerEngine(postgresql = true)
    void viaUrl(Engine engine) throws Exception {
        start(engine);
        migrateAndVerify(Flyway.configure().dataSource(topo.url(), null, null));
    }

    private void start(Engine engine) throws Exception {
        this.engine = engine;
        topo = TestTopology.on(engine).replicas(REPLICAS).build();
    }

    /** A direct connection to node {@code i}: 0 = the primary, 1.. = the replicas. */
    private Connection node(int i) throws SQLException {
        return i == 0 ? topo.primary() : topo.replica(i - 1);
    }

    // ---------------------------------------------------------------- the scenario

    private void migrateAndVerify(org.flywaydb.core.api.configuration.FluentConfiguration config) throws Exception {
        Flyway flyway = config.locations(LOCATION).load();

        MigrateResult result = flyway.migrate();
        assertThat(result.success).isTrue();
        assertThat(result.migrationsExecuted).isEqualTo(3);
        assertThat(result.targetSchemaVersion).isEqualTo("3");

        // a second migrate, right away, is a no-op: Flyway reads the history under its lock, in a
        // transaction, which Shardline runs on the primary
        assertThat(flyway.migrate().migrationsExecuted).isZero();

        // shares the URL's runtime with the driver (and with Flyway, if it was given the data source)
        ShardlineDataSource shared = topo.dataSource();
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
        try (Connection p = node(0)) {
            assertThat(engine.tables(p)).containsExactly("flyway_schema_history", "fw_author", "fw_book");
            assertThat(engine.shardlineTables(p)).as("Shardline's tables live outside the application schema").isNotEmpty();
            authors = TestTopology.dump(p, "fw_author", "id");
            books = TestTopology.dump(p, "fw_book", "id");
            history = historyRows(p);
            installedOn = installedOn(p);
            fks = bookForeignKeys(p);
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
            try (Connection r = node(i)) {
                String node = "replica " + (i - 1);
                assertThat(engine.tables(r)).as(node).containsExactly("flyway_schema_history", "fw_author", "fw_book");
                assertThat(TestTopology.dump(r, "fw_author", "id")).as(node).isEqualTo(authors);
                assertThat(TestTopology.dump(r, "fw_book", "id")).as(node).isEqualTo(books);
                assertThat(historyRows(r)).as(node + " history").isEqualTo(history);
                assertThat(bookForeignKeys(r)).as(node).isEqualTo(fks);
                // installed_on is the history table's DEFAULT CURRENT_TIMESTAMP: for the rows Flyway INSERTs
                // it is evaluated once on the primary and bound for every node (Determinism). H2's marker
                // row comes from CREATE TABLE ... AS SELECT ..., CURRENT_TIMESTAMP: DDL replayed as text,
                // which still evaluates per node.
                List<String> replicaInstalledOn = installedOn(r);
                assertThat(replicaInstalledOn).as(node + " installed_on").hasSameSizeAs(installedOn);
                for (int k = 0; k < installedOn.size(); k++) {
                    if (history.get(k).get(3).equals("table")) continue;
                    assertThat(replicaInstalledOn.get(k)).as(node + " installed_on of row " + k).isEqualTo(installedOn.get(k));
                }
            }
        }
    }

    /** Every history column Flyway writes explicitly (all but installed_on), ordered by installed_rank. */
    private List<List<String>> historyRows(Connection c) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        StringBuilder cols = new StringBuilder();
        for (String col : List.of("installed_rank", "version", "description", "type", "script", "checksum", "installed_by",
                "execution_time", "success")) {
            cols.append(cols.length() == 0 ? "" : ", ").append(engine.quote(col));
        }
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT " + cols + " FROM " + history() + " ORDER BY " + engine.quote("installed_rank"))) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= 9; i++) row.add(String.valueOf(rs.getObject(i)).toLowerCase(Locale.ROOT));
                rows.add(row);
            }
        }
        return rows;
    }

    /** The history table, as Flyway named it (lower case, quoted where that matters). */
    private String history() {
        return engine.quote("flyway_schema_history");
    }

    private List<String> installedOn(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT " + engine.quote("installed_on") + " FROM " + history() + " ORDER BY " + engine.quote("installed_rank"))) {
            while (rs.next()) out.add(String.valueOf(rs.getObject(1)));
        }
        return out;
    }

    /** The foreign keys fw_book has on the node, as "fkcolumn->pktable.pkcolumn". */
    private static TreeSet<String> bookForeignKeys(Connection c) throws SQLException {
        String table = c.getMetaData().storesUpperCaseIdentifiers() ? "FW_BOOK" : "fw_book";
        return foreignKeys(c, c.getCatalog(), c.getSchema(), table);
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
