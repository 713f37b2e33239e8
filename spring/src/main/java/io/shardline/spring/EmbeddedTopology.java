package io.shardline.spring;

import io.shardline.routing.Topology;
import org.springframework.boot.jdbc.DatabaseDriver;
import org.springframework.boot.jdbc.EmbeddedDatabaseConnection;

/**
 * Whether a topology is "embedded" in Spring Boot's sense. Boot decides it for a DataSource with
 * {@link EmbeddedDatabaseConnection#isEmbedded(javax.sql.DataSource)}: the database product named
 * by the connection's metadata and its URL ({@code jdbc:h2:mem:...}, HSQLDB/Derby in memory). A
 * Shardline connection reports the primary's product but its own {@code jdbc:shardline:} URL, so
 * Boot never sees it as embedded; this asks Boot's question of every node instead: a topology is
 * embedded when every primary and replica is an embedded database by Boot's rule (same driver
 * and URL test). One node on a server (MariaDB, PostgreSQL, H2 over TCP, an H2 file) makes it
 * not embedded.
 */
public final class EmbeddedTopology {

    private EmbeddedTopology() {
    }

    /** True if every data source of the topology is an embedded database (Boot's rule). */
    public static boolean isEmbedded(Topology topology) {
        if (topology.dataSources().isEmpty()) return false;
        for (Topology.DataSourceConfig d : topology.dataSources().values()) {
            if (!isEmbeddedUrl(d.url())) return false;
        }
        return true;
    }

    /** Boot's rule for one JDBC URL: its driver is an embedded database's and the URL is in-memory. */
    static boolean isEmbeddedUrl(String url) {
        if (url == null) return false;
        String driver = DatabaseDriver.fromJdbcUrl(url).getDriverClassName();
        return driver != null && EmbeddedDatabaseConnection.isEmbedded(driver, url);
    }
}
