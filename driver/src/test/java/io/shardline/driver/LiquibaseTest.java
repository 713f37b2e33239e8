package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import liquibase.command.CommandScope;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import org.junit.jupiter.api.AutoClose;

/**
 * Liquibase updates run through Shardline — given only the {@code jdbc:shardline:} URL (its CLI,
 * Maven plugin and {@code spring.liquibase.url} work this way; the driver's Liquibase database
 * type names the Shardline driver for such URLs) or given a connection of a
 * {@link ShardlineDataSource} — and leave the same tables, rows and changelog on every node.
 */
class LiquibaseTest {

    private static final String CHANGELOG = "db/liquibase-shardline/changelog.xml";

    @AutoClose
    TestTopology topo;

    @PerEngine(postgresql = true)
    void viaUrl(Engine engine) throws Exception {
        topo = TestTopology.on(engine).replicas(2).build();
        assertThat(DatabaseFactory.getInstance().findDefaultDriver(topo.url()))
                .as("Liquibase finds the driver for a jdbc:shardline: URL").isEqualTo(ShardlineDriver.class.getName());
        update(new CommandScope("update").addArgumentValue("url", topo.url()));
        verify(engine);
    }

    @PerEngine(postgresql = true)
    void viaDataSource(Engine engine) throws Exception {
        topo = TestTopology.on(engine).replicas(2).build();
        try (Connection c = topo.dataSource().getConnection()) {
            Database db = DatabaseFactory.getInstance().findCorrectDatabaseImplementation(new JdbcConnection(c));
            assertThat(db.getShortName()).as("the underlying database's own type").isNotEqualTo("shardline");
            update(new CommandScope("update").addArgumentValue("database", db));
        }
        verify(engine);
    }

    private static void update(CommandScope update) throws Exception {
        update.addArgumentValue("changelogFile", CHANGELOG).execute();
    }

    private void verify(Engine engine) throws Exception {
        assertThat(topo.dataSource().awaitReplication(Duration.ofSeconds(30)))
                .as("replicas caught up: %s", topo.dataSource().status()).isTrue();
        List<List<String>> authors;
        List<String> changelog;
        try (Connection p = topo.primary()) {
            authors = TestTopology.dump(p, "lb_author", "id");
            changelog = changelog(p);
        }
        assertThat(authors).containsExactly(List.of("1", "Ursula K. Le Guin", "1929"), List.of("2", "Stanisław Lem", "1921"));
        assertThat(changelog).containsExactly("1|shardline|EXECUTED", "2|shardline|EXECUTED", "3|shardline|EXECUTED");
        for (int i = 0; i < 2; i++) {
            try (Connection r = topo.replica(i)) {
                assertThat(TestTopology.dump(r, "lb_author", "id")).as("replica " + i).isEqualTo(authors);
                assertThat(changelog(r)).as("replica " + i + " changelog").isEqualTo(changelog);
            }
        }
    }

    /** id|author|exectype of every changelog row, in execution order. */
    private static List<String> changelog(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT ID, AUTHOR, EXECTYPE FROM DATABASECHANGELOG ORDER BY ORDEREXECUTED")) {
            while (rs.next()) out.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
        }
        return out;
    }
}
