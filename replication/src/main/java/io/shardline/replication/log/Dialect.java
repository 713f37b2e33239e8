package io.shardline.replication.log;

import io.shardline.routing.sql.DdlTranslation;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The few places where the databases Shardline runs on differ for its own tables: the binary
 * column type and what a "schema" is. Detected from {@link java.sql.DatabaseMetaData#getDatabaseProductName()}.
 */
public enum Dialect {
    /** H2 2.x. */
    H2("VARBINARY(1000000000)", false),
    /** MySQL and MariaDB: a schema is a database, and DDL commits implicitly. */
    MYSQL("LONGBLOB", true),
    /** PostgreSQL. */
    POSTGRESQL("BYTEA", false);

    private final String binaryType;
    private final boolean schemaIsDatabase;

    Dialect(String binaryType, boolean schemaIsDatabase) {
        this.binaryType = binaryType;
        this.schemaIsDatabase = schemaIsDatabase;
    }

    /** The column type for log payloads. */
    public String binaryType() {
        return binaryType;
    }

    /**
     * True when a schema is a database (MySQL/MariaDB). Several nodes commonly share one server
     * there, so Shardline's tables go into a per-node database {@code <schema>_<database>}.
     */
    public boolean schemaIsDatabase() {
        return schemaIsDatabase;
    }

    /** {@code identifier} quoted for this engine (backticks on MySQL, double quotes elsewhere), quote characters doubled. */
    public String quote(String identifier) {
        return this == MYSQL ? "`" + identifier.replace("`", "``") + "`" : "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    /** The engine as {@link DdlTranslation} names it. */
    public DdlTranslation.Engine engine() {
        return switch (this) {
            case H2 -> DdlTranslation.Engine.H2;
            case MYSQL -> DdlTranslation.Engine.MYSQL;
            case POSTGRESQL -> DdlTranslation.Engine.POSTGRESQL;
        };
    }

    /**
     * The dialect a JDBC URL names ({@code jdbc:h2:}, {@code jdbc:mysql:}, {@code jdbc:mariadb:},
     * {@code jdbc:postgresql:}), or null for another URL (known once connected, {@link #of}).
     */
    public static Dialect ofUrl(String jdbcUrl) {
        String u = jdbcUrl.toLowerCase(Locale.ROOT);
        if (u.startsWith("jdbc:h2:")) return H2;
        if (u.startsWith("jdbc:mysql:") || u.startsWith("jdbc:mariadb:")) return MYSQL;
        if (u.startsWith("jdbc:postgresql:")) return POSTGRESQL;
        return null;
    }

    /** Detects the dialect of a connection's database. */
    public static Dialect of(Connection c) throws SQLException {
        return ofProductName(c.getMetaData().getDatabaseProductName());
    }

    /** Maps a JDBC product name to a dialect. */
    public static Dialect ofProductName(String product) throws SQLException {
        String p = product.toLowerCase(Locale.ROOT);
        if (p.contains("h2")) return H2;
        if (p.contains("mysql") || p.contains("mariadb")) return MYSQL;
        if (p.contains("postgres")) return POSTGRESQL;
        throw new SQLException("Shardline does not support the database '" + product
                + "' yet (supported: H2, MySQL/MariaDB, PostgreSQL)", "0A000");
    }

    /**
     * The schema (or, on MySQL, the database) holding Shardline's tables on the node that
     * {@code c} is connected to.
     */
    public String ownSchema(Connection c, String configured) throws SQLException {
        if (!schemaIsDatabase) return configured;
        String db = c.getCatalog();
        return db == null || db.isEmpty() ? configured : configured + "_" + db;
    }
}
