package io.shardline.driver;

import java.sql.Connection;
import java.sql.DatabaseMetaData;

/**
 * The primary's metadata, so that ORMs and migration tools detect the underlying database (H2,
 * MariaDB, ...) and its dialect unaided; only the connection and URL are Shardline's.
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
}
