package io.shardline.driver;

import io.shardline.replication.log.Dialect;
import io.shardline.routing.sql.StatementAnalyzer;
import io.shardline.routing.sql.StatementInfo;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an INSERT into a table must know about its columns so that replicas store what the
 * primary stored: the identity (auto-increment) column whose generated keys are captured, and the
 * columns whose DEFAULT is non-deterministic. Read from the primary's metadata in one pass and
 * cached per table by the runtime (dropped on DDL).
 *
 * @param identity         the identity column, or null
 * @param volatileDefaults columns whose DEFAULT calls a non-deterministic function (identity,
 *                         auto-increment and generated columns excluded); usually empty
 */
record TableColumns(String identity, List<Determinism.VolatileDefault> volatileDefaults) {

    /** A table the metadata does not know (or without such columns). */
    static final TableColumns NONE = new TableColumns(null, List.of());

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
            List<Determinism.VolatileDefault> volatileDefaults = new ArrayList<>();
            try (ResultSet rs = md.getColumns(catalog, sch, t, "%")) {
                while (rs.next()) {
                    found = true;
                    String name = rs.getString("COLUMN_NAME");
                    if ("YES".equalsIgnoreCase(rs.getString("IS_AUTOINCREMENT"))) {
                        if (identity == null) identity = name;
                        continue;
                    }
                    if ("YES".equalsIgnoreCase(generated(rs))) continue;
                    String def = rs.getString("COLUMN_DEF");
                    StatementInfo.Volatility v = StatementAnalyzer.volatility(def);
                    if (v != StatementInfo.Volatility.STATEMENT && v != StatementInfo.Volatility.ROW) continue;
                    volatileDefaults.add(new Determinism.VolatileDefault(name, Determinism.quote(name, dialect), def.trim(),
                            v == StatementInfo.Volatility.ROW));
                }
            }
            if (found) return new TableColumns(identity, List.copyOf(volatileDefaults));
        }
        return NONE;
    }

    private static String generated(ResultSet rs) {
        try {
            return rs.getString("IS_GENERATEDCOLUMN");
        } catch (SQLException e) {
            return null; // drivers before JDBC 4.1
        }
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '`' || s.charAt(0) == '[')) {
            return s.substring(1, s.length() - 1);
        }
        return s;
    }
}
