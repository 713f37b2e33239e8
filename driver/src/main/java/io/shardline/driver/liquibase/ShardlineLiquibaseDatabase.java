package io.shardline.driver.liquibase;

import io.shardline.driver.ShardlineDriver;
import liquibase.database.AbstractJdbcDatabase;
import liquibase.database.DatabaseConnection;

/**
 * Lets Liquibase open {@code jdbc:shardline:} URLs by itself (its CLI, Maven plugin,
 * {@code liquibase.command.url}, Spring Boot's {@code spring.liquibase.url}).
 *
 * <p>Liquibase picks the JDBC driver for a URL by asking every registered database type for its
 * default driver, and refuses a URL nobody claims ("Driver class was not specified and could not
 * be determined from the url"). This type claims {@code jdbc:shardline:} URLs and names
 * {@link ShardlineDriver}; it is never the type Liquibase works with
 * ({@link #isCorrectDatabaseImplementation} is false for every connection): once connected,
 * Liquibase chooses the type from the product name the driver's metadata reports, i.e. the
 * underlying database's own (H2, MariaDB, MySQL, PostgreSQL), so its SQL, locking and changelog
 * tables are exactly Liquibase's for that database. Registered in
 * {@code META-INF/services/liquibase.database.Database}; loaded only when Liquibase is present (an
 * optional dependency of the driver).
 */
public final class ShardlineLiquibaseDatabase extends AbstractJdbcDatabase {

    private static final String PREFIX = "jdbc:shardline:";

    /** Public for Liquibase's service loader. */
    public ShardlineLiquibaseDatabase() {
    }

    @Override
    public String getDefaultDriver(String url) {
        return url != null && url.startsWith(PREFIX) ? ShardlineDriver.class.getName() : null;
    }

    @Override
    public boolean isCorrectDatabaseImplementation(DatabaseConnection conn) {
        return false; // the underlying database's own type handles every connection
    }

    @Override
    public int getPriority() {
        return PRIORITY_DEFAULT;
    }

    @Override
    public String getShortName() {
        return "shardline";
    }

    @Override
    protected String getDefaultDatabaseProductName() {
        return "Shardline";
    }

    @Override
    public Integer getDefaultPort() {
        return null;
    }

    @Override
    public boolean supportsInitiallyDeferrableColumns() {
        return false;
    }

    @Override
    public boolean supportsTablespaces() {
        return false;
    }
}
