package io.shardline.driver;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The primary's metadata, so that ORMs and migration tools detect the underlying database (H2,
 * MariaDB, ...) and its dialect unaided; only the connection and URL are Shardline's.
 *
 * <p>One correction: MySQL Connector/J connected to a MariaDB server reports the server as
 * {@code MySQL} version {@code 5.5.5-10.11.19-MariaDB...} (the replication-compatibility prefix
 * MariaDB sends), so Hibernate picks its MySQL dialect for a "MySQL 5.5" and warns HHH000511.
 * The real engine is in the version string; Shardline reports it: {@code MariaDB}, version
 * {@code 10.11.19-MariaDB...}, major 10, minor 11. Everything else is the driver's own answer.
 */
final class ShardlineDatabaseMetaData extends DelegatingDatabaseMetaData {

    private final ShardlineConnection connection;
    private final String url;

    ShardlineDatabaseMetaData(DatabaseMetaData delegate, ShardlineConnection connection, String url) {
        super(delegate);
        this.connection = connection;
        this.url = url;
    }

    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public String getURL() {
        return url;
    }

    /** {@code 5.5.5-<major>.<minor>.<patch>-MariaDB...}: MariaDB as Connector/J sees it. */
    private static final Pattern MARIADB_BEHIND_MYSQL = Pattern.compile("5\\.5\\.5-((\\d+)\\.(\\d+)[^\\s]*-MariaDB.*)");

    /** The real MariaDB version behind a MySQL driver's "5.5.5-" answer, or null. */
    private Matcher mariaDb() throws SQLException {
        if (!"MySQL".equals(super.getDatabaseProductName())) return null;
        String v = super.getDatabaseProductVersion();
        if (v == null) return null;
        Matcher m = MARIADB_BEHIND_MYSQL.matcher(v);
        return m.matches() ? m : null;
    }

    @Override
    public String getDatabaseProductName() throws SQLException {
        return mariaDb() != null ? "MariaDB" : super.getDatabaseProductName();
    }

    @Override
    public String getDatabaseProductVersion() throws SQLException {
        Matcher m = mariaDb();
        return m != null ? m.group(1) : super.getDatabaseProductVersion();
    }

    @Override
    public int getDatabaseMajorVersion() throws SQLException {
        Matcher m = mariaDb();
        return m != null ? Integer.parseInt(m.group(2)) : super.getDatabaseMajorVersion();
    }

    @Override
    public int getDatabaseMinorVersion() throws SQLException {
        Matcher m = mariaDb();
        return m != null ? Integer.parseInt(m.group(3)) : super.getDatabaseMinorVersion();
    }
}
