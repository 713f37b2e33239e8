package io.shardline.driver;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.DatabaseMetaData;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The engine Shardline's metadata reports: the driver's own answer, except MariaDB behind MySQL
 * Connector/J ({@code MySQL 5.5.5-10.11.19-MariaDB...}), which is reported as the MariaDB it is so
 * that Hibernate picks its MariaDB dialect unaided.
 */
class EngineIdentityTest {

    private static DatabaseMetaData driverSays(String product, String version, int major, int minor) {
        Map<String, Object> answers = Map.of("getDatabaseProductName", product, "getDatabaseProductVersion", version,
                "getDatabaseMajorVersion", major, "getDatabaseMinorVersion", minor);
        DatabaseMetaData raw = (DatabaseMetaData) Proxy.newProxyInstance(DatabaseMetaData.class.getClassLoader(),
                new Class<?>[] {DatabaseMetaData.class}, (p, m, a) -> answers.get(m.getName()));
        return new ShardlineDatabaseMetaData(raw, null, "jdbc:shardline:classpath:t.yaml");
    }

    @Test
    void mariaDbBehindConnectorJIsReportedAsMariaDb() throws Exception {
        DatabaseMetaData md = driverSays("MySQL", "5.5.5-10.11.19-MariaDB-0+deb12u1", 5, 5);
        assertThat(md.getDatabaseProductName()).isEqualTo("MariaDB");
        assertThat(md.getDatabaseProductVersion()).isEqualTo("10.11.19-MariaDB-0+deb12u1");
        assertThat(md.getDatabaseMajorVersion()).isEqualTo(10);
        assertThat(md.getDatabaseMinorVersion()).isEqualTo(11);
        assertThat(md.getURL()).isEqualTo("jdbc:shardline:classpath:t.yaml");
    }

    @Test
    void everyOtherEngineIsReportedAsItsDriverSays() throws Exception {
        for (DatabaseMetaData md : new DatabaseMetaData[] {
                driverSays("MySQL", "8.0.36", 8, 0),
                driverSays("MariaDB", "10.11.19-MariaDB-0+deb12u1", 10, 11),
                driverSays("H2", "2.4.240 (2025-09-22)", 2, 4),
                driverSays("PostgreSQL", "15.19", 15, 19)}) {
            String product = md.getDatabaseProductName();
            assertThat(product).isIn("MySQL", "MariaDB", "H2", "PostgreSQL");
            assertThat(md.getDatabaseProductVersion()).doesNotStartWith("5.5.5-");
            if (product.equals("MySQL")) assertThat(md.getDatabaseMajorVersion()).isEqualTo(8);
            if (product.equals("H2")) assertThat(md.getDatabaseMinorVersion()).isEqualTo(4);
        }
    }
}
