package io.shardline.driver.flyway;

import io.shardline.driver.ShardlineDriver;
import java.sql.Connection;
import java.sql.Types;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.ResourceProvider;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.internal.database.DatabaseType;
import org.flywaydb.core.internal.database.base.BaseDatabaseType;
import org.flywaydb.core.internal.database.base.Database;
import org.flywaydb.core.internal.jdbc.JdbcConnectionFactory;
import org.flywaydb.core.internal.jdbc.StatementInterceptor;
import org.flywaydb.core.internal.parser.Parser;
import org.flywaydb.core.internal.parser.ParsingContext;

/**
 * The Flyway database type for {@code jdbc:shardline:} URLs.
 *
 * <p>It only claims the URL (so that Flyway 10+ accepts {@code .dataSource("jdbc:shardline:...", null,
 * null)}) and names {@link ShardlineDriver} as its driver. It never claims a database product name:
 * Flyway chooses the type of an open connection by the product name in its metadata, which the
 * Shardline driver reports as the underlying database's (H2, MariaDB, ...), so the real type (for
 * example {@code H2DatabaseType} or flyway-mysql's MariaDB type) creates the database, parser and
 * schema history. {@link #createDatabase} and {@link #createParser} delegate to that type should
 * Flyway ever call them on this one.
 */
public final class ShardlineDatabaseType extends BaseDatabaseType {

    /** Creates the type; Flyway does this through {@link java.util.ServiceLoader}. */
    public ShardlineDatabaseType() {
    }

    @Override
    public String getName() {
        return "Shardline";
    }

    @Override
    public int getNullType() {
        return Types.NULL;
    }

    @Override
    public boolean handlesJDBCUrl(String url) {
        return url != null && url.startsWith(ShardlineDriver.PREFIX);
    }

    @Override
    public String getDriverClass(String url, ClassLoader classLoader) {
        return ShardlineDriver.class.getName();
    }

    /** Never: the underlying database's type is chosen by the product name the driver reports. */
    @Override
    public boolean handlesDatabaseProductNameAndVersion(String databaseProductName, String databaseProductVersion,
            Connection connection) {
        return false;
    }

    /** Credentials live in the topology YAML, so Flyway must not ask for a user. */
    @Override
    public boolean detectUserRequiredByUrl(String url) {
        return false;
    }

    /** Credentials live in the topology YAML, so Flyway must not ask for a password. */
    @Override
    public boolean detectPasswordRequiredByUrl(String url) {
        return false;
    }

    @Override
    public Database<?> createDatabase(Configuration configuration, JdbcConnectionFactory jdbcConnectionFactory,
            StatementInterceptor statementInterceptor) {
        DatabaseType real = jdbcConnectionFactory.getDatabaseType();
        if (real == null || real instanceof ShardlineDatabaseType) {
            throw new FlywayException("no Flyway database type handles the database behind "
                    + jdbcConnectionFactory.getJdbcUrl() + " (product " + jdbcConnectionFactory.getProductName()
                    + "); add the Flyway module for it (e.g. flyway-mysql)");
        }
        return real.createDatabase(configuration, jdbcConnectionFactory, statementInterceptor);
    }

    @Override
    public Parser createParser(Configuration configuration, ResourceProvider resourceProvider, ParsingContext parsingContext) {
        Database<?> database = parsingContext == null ? null : parsingContext.getDatabase();
        DatabaseType real = database == null ? null : database.getDatabaseType();
        if (real == null || real instanceof ShardlineDatabaseType) {
            throw new FlywayException("Shardline has no SQL parser of its own: Flyway must use the underlying database's type");
        }
        return real.createParser(configuration, resourceProvider, parsingContext);
    }
}
