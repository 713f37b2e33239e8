package io.shardline.spring.jpa;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardline.driver.ShardlineDataSource;
import io.shardline.spring.Physical;
import jakarta.persistence.EntityManagerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.hibernate.dialect.PostgreSQLDialect;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Spring Boot over a PostgreSQL primary with two PostgreSQL replicas (databases on the local
 * server, {@code -Ppostgresql}, which CI switches on): its own HikariCP-free Shardline DataSource
 * from the URL, Hibernate's PostgreSQL dialect found unaided, IDENTITY ids, and every replica equal
 * to the primary, read directly. A server database is not embedded, so Spring Boot creates no
 * schema by itself: the application asks Hibernate to ({@code ddl-auto}), as it would without
 * Shardline.
 */
@EnabledIfSystemProperty(named = "shardline.postgresql.skip", matches = "false")
@SpringBootTest(classes = JpaTestApp.class, properties = "spring.jpa.hibernate.ddl-auto=create")
class StarterPostgresqlTest {

    private static final String[] DATABASES = {"spring_pg_p", "spring_pg_a", "spring_pg_b"};
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

    @DynamicPropertySource
    static void topology(DynamicPropertyRegistry registry) throws Exception {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", ""); Statement st = c.createStatement()) {
            for (String db : DATABASES) {
                st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                st.execute("CREATE DATABASE " + db);
            }
        }
        StringBuilder y = new StringBuilder("dataSources:\n");
        for (String db : DATABASES) y.append("  ").append(db).append(": { url: \"").append(SERVER).append(db).append("\", username: postgres }\n");
        y.append("shards:\n  main: { primary: ").append(DATABASES[0]).append(", replicas: [").append(DATABASES[1]).append(", ")
                .append(DATABASES[2]).append("] }\n");
        Path yaml = Files.createTempFile("spring-pg", ".yaml");
        Files.writeString(yaml, y.toString());
        registry.add("spring.datasource.url", () -> "jdbc:shardline:file:" + yaml);
    }

    @Autowired
    DataSource dataSource;
    @Autowired
    CustomerRepository customers;
    @Autowired
    EntityManagerFactory entityManagerFactory;
    @Autowired
    JpaTestApp.Reader reader;

    @Test
    void jpaOverPostgresqlReplicatesWithTheDialectFoundUnaided() throws Exception {
        assertThat(dataSource).isInstanceOf(ShardlineDataSource.class);
        assertThat(entityManagerFactory.unwrap(SessionFactoryImplementor.class).getJdbcServices().getDialect())
                .isInstanceOf(PostgreSQLDialect.class);
        Customer ada = customers.save(new Customer("Ada 🎉"));
        Customer bob = customers.save(new Customer("Bob"));
        ada.setName("Ada L. ✓");
        customers.save(ada);
        customers.delete(bob);
        assertThat(ada.getId()).isNotNull();
        assertThat(reader.name(ada.getId())).contains("Ada L. ✓");

        assertThat(((ShardlineDataSource) dataSource).awaitReplication(Duration.ofSeconds(20))).isTrue();
        List<List<String>> primary = dump(DATABASES[0]);
        assertThat(primary).extracting(r -> r.get(1)).containsExactly("Ada L. ✓");
        for (int i = 1; i < DATABASES.length; i++) assertThat(dump(DATABASES[i])).as(DATABASES[i]).isEqualTo(primary);
    }

    private static List<List<String>> dump(String db) throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER + db, "postgres", "")) {
            return Physical.dump(c, "customer", "id");
        }
    }
}
