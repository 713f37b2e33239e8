package io.shardline.driver;

import io.shardline.replication.log.Dialect;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/**
 * What a multi-shard INSERT must know about a table's columns to hand the application its
 * generated keys: the identity (auto-increment) column. Read from the primary's metadata and
 * cached per table by the runtime (dropped on DDL).
 *
 * @param identity the identity column, or null
 */
record TableColumns(String identity) {

    /** A table the metadata does not know (or without such a column). */
    static final TableColumns NONE = new TableColumns(null);

    /** Reads the columns of {@code qualified} (possibly schema-qualified, possibly quoted) on {@code c}. */
    static TableColumns read(Connection c, String qualified) throws SQLException {
        String schema = null;
        String table = qualified;
        int dot = qualified.lastIndexOf('.');
        if (dot > 0) {
            schema = unquote(qualified.substring(0, dot));
            table = qualified.substring(dot + 1);
        }
        table = unquote(table);
        DatabaseMetaData md = c.getMetaData();
        Dialect dialect = Dialect.of(c);
        // the name as written, then as the database may have folded it
        for (String t : new String[] {table, table.toUpperCase(Locale.ROOT), table.toLowerCase(Locale.ROOT)}) {
            String catalog = c.getCatalog();
            String sch = schema;
            if (schema != null && dialect == Dialect.MYSQL) {
                catalog = schema;
                sch = null;
            } else if (schema == null) {
                sch = c.getSchema();
            }
            boolean found = false;
            String identity = null;
            try (ResultSet rs = md.getColumns(catalog, sch, t, "%")) {
                while (rs.next()) {
                    found = true;
                    if (identity == null && "YES".equalsIgnoreCase(rs.getString("IS_AUTOINCREMENT"))) {
                        identity = rs.getString("COLUMN_NAME");
                    }
                }
            }
            if (found) return new TableColumns(identity);
        }
        return NONE;
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '`' || s.charAt(0) == '[')) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }
}
