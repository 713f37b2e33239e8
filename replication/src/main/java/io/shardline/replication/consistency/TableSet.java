package io.shardline.replication.consistency;

import io.shardline.replication.log.Dialect;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The application tables of one node, as {@link ConsistencyVerifier} and {@link ReplicaResync}
 * see them: every base table of the connection's current schema (H2, PostgreSQL) or database
 * (MySQL/MariaDB). Shardline's own tables live in a schema/database of their own and are never
 * part of it.
 */
final class TableSet {

    private TableSet() {
    }

    /**
     * One column: its name, quoted form, JDBC type, type name and size (as the node's metadata
     * gives them), whether the database computes it, and the node's engine.
     */
    record Column(String name, String quoted, int jdbcType, String typeName, int size, boolean generated, Dialect dialect) {

        boolean binary() {
            return jdbcType == Types.BINARY || jdbcType == Types.VARBINARY || jdbcType == Types.LONGVARBINARY
                    || jdbcType == Types.BLOB;
        }
    }

    /** One table: its name, quoted name, columns in ordinal order and primary-key column indexes (0-based). */
    record Table(String name, String quoted, List<Column> columns, int[] primaryKey) {

        boolean hasPrimaryKey() {
            return primaryKey.length > 0;
        }

        /** Comma-separated quoted column list. */
        String columnList(boolean includeGenerated) {
            StringBuilder sb = new StringBuilder();
            for (Column c : columns) {
                if (!includeGenerated && c.generated()) continue;
                if (sb.length() > 0) sb.append(", ");
                sb.append(c.quoted());
            }
            return sb.toString();
        }

        /** {@code "pk1", "pk2"} */
        String keyList() {
            StringBuilder sb = new StringBuilder();
            for (int i : primaryKey) {
                if (sb.length() > 0) sb.append(", ");
                sb.append(columns.get(i).quoted());
            }
            return sb.toString();
        }

        /** {@code (pk1, pk2) > (?, ?)} or {@code pk > ?}; {@code op} is the comparison. */
        String keyPredicate(String op) {
            if (primaryKey.length == 1) return columns.get(primaryKey[0]).quoted() + " " + op + " ?";
            StringBuilder sb = new StringBuilder("(").append(keyList()).append(") ").append(op).append(" (");
            for (int i = 0; i < primaryKey.length; i++) sb.append(i == 0 ? "?" : ", ?");
            return sb.append(')').toString();
        }
    }

    /** The application tables of {@code c}'s current schema/database, in name order. */
    static List<Table> list(Connection c, String ownSchema) throws SQLException {
        Dialect d = Dialect.of(c);
        DatabaseMetaData md = c.getMetaData();
        String q = md.getIdentifierQuoteString();
        if (q == null || q.isBlank()) q = "\"";
        String catalog = c.getCatalog();
        String schema = d == Dialect.MYSQL ? null : c.getSchema();
        List<String> names = new ArrayList<>();
        try (ResultSet rs = md.getTables(catalog, schema == null ? null : escape(md, schema), "%",
                new String[] {"TABLE", "BASE TABLE"})) {
            while (rs.next()) {
                String tableSchema = d == Dialect.MYSQL ? rs.getString("TABLE_CAT") : rs.getString("TABLE_SCHEM");
                if (tableSchema != null && ownSchema != null && tableSchema.equalsIgnoreCase(unquote(ownSchema))) continue;
                if (d == Dialect.MYSQL && catalog != null && tableSchema != null && !tableSchema.equals(catalog)) continue;
                if (d != Dialect.MYSQL && schema != null && tableSchema != null && !tableSchema.equals(schema)) continue;
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        names.sort(null);
        List<Table> out = new ArrayList<>();
        for (String n : names) out.add(describe(c, d, md, catalog, schema, n, q));
        return out;
    }

    private static String escape(DatabaseMetaData md, String pattern) throws SQLException {
        String esc = md.getSearchStringEscape();
        if (esc == null || esc.isEmpty()) return pattern;
        return pattern.replace(esc, esc + esc).replace("_", esc + "_").replace("%", esc + "%");
    }

    private static String unquote(String s) {
        if (s.length() >= 2 && (s.charAt(0) == '"' || s.charAt(0) == '`')) return s.substring(1, s.length() - 1);
        return s;
    }

    private static Table describe(Connection c, Dialect d, DatabaseMetaData md, String catalog, String schema, String table,
                                  String q) throws SQLException {
        List<Column> cols = new ArrayList<>();
        Map<Integer, Column> byPosition = new TreeMap<>();
        Map<String, String> mysqlTypes = null;
        try (ResultSet rs = md.getColumns(catalog, schema == null ? null : escape(md, schema), escape(md, table), "%")) {
            while (rs.next()) {
                if (!table.equals(rs.getString("TABLE_NAME"))) continue;
                String name = rs.getString("COLUMN_NAME");
                String gen = null;
                try {
                    gen = rs.getString("IS_GENERATEDCOLUMN");
                } catch (SQLException ignored) {
                    // older drivers: no generated columns known
                }
                String typeName = rs.getString("TYPE_NAME");
                if (d == Dialect.MYSQL && "UNKNOWN".equalsIgnoreCase(typeName)) {
                    // Connector/J names MariaDB's own types (UUID, INET6) UNKNOWN; the server knows them
                    if (mysqlTypes == null) mysqlTypes = mysqlTypes(c, catalog, table);
                    typeName = mysqlTypes.getOrDefault(name, typeName);
                }
                byPosition.put(rs.getInt("ORDINAL_POSITION"), new Column(name, quote(q, name), rs.getInt("DATA_TYPE"), typeName,
                        rs.getInt("COLUMN_SIZE"), "YES".equalsIgnoreCase(gen), d));
            }
        }
        cols.addAll(byPosition.values());
        Map<Short, String> pk = new TreeMap<>();
        try (ResultSet rs = md.getPrimaryKeys(catalog, schema, table)) {
            while (rs.next()) pk.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
        }
        int[] key = new int[pk.size()];
        int k = 0;
        for (String name : pk.values()) {
            for (int i = 0; i < cols.size(); i++) if (cols.get(i).name().equals(name)) key[k] = i;
            k++;
        }
        return new Table(table, quote(q, table), List.copyOf(cols), key);
    }

    /** The server's type names of a MySQL/MariaDB table's columns, by column. */
    private static Map<String, String> mysqlTypes(Connection c, String database, String table) throws SQLException {
        Map<String, String> out = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, database);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    private static String quote(String q, String identifier) {
        return q + identifier.replace(q, q + q) + q;
    }

    /** A best-effort row count for progress reporting: exact on H2, the statistics estimate on MySQL. */
    static long estimateRows(Connection c, Table t) {
        try {
            if (Dialect.of(c) == Dialect.MYSQL) {
                try (PreparedStatement ps = c.prepareStatement("SELECT TABLE_ROWS FROM information_schema.TABLES"
                        + " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?")) {
                    ps.setString(1, t.name());
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? rs.getLong(1) : -1;
                    }
                }
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + t.quoted())) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        } catch (SQLException e) {
            return -1;
        }
    }

    /** Reads column {@code i} (1-based) in a form that round-trips through {@link #write} on the same database. */
    static Object read(ResultSet rs, int i, Column c) throws SQLException {
        switch (c.jdbcType()) {
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB:
                return rs.getBytes(i);
            case Types.CLOB, Types.NCLOB, Types.LONGVARCHAR, Types.LONGNVARCHAR:
                return rs.getString(i);
            case Types.TIMESTAMP:
                return rs.getObject(i, LocalDateTime.class);
            case Types.DATE:
                return rs.getObject(i, LocalDate.class);
            case Types.TIME:
                return rs.getObject(i, LocalTime.class);
            case Types.TIMESTAMP_WITH_TIMEZONE:
                return rs.getObject(i, OffsetDateTime.class);
            case Types.TIME_WITH_TIMEZONE:
                return rs.getObject(i, OffsetTime.class);
            default:
                return rs.getObject(i);
        }
    }

    /** Binds a value read by {@link #read}. */
    static void write(PreparedStatement ps, int i, Column c, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(i, c.jdbcType());
        } else if (v instanceof byte[] b) {
            ps.setBytes(i, b);
        } else if (v instanceof LocalDateTime || v instanceof LocalTime) {
            io.shardline.replication.apply.TargetColumn.bindTemporal(ps, i, (java.time.temporal.Temporal) v, c.dialect());
        } else {
            ps.setObject(i, v);
        }
    }

    /** Digest input for one value: a null marker, or a presence marker, length and bytes. */
    static void hash(MessageDigest md, ResultSet rs, int i, Column c) throws SQLException {
        byte[] b;
        if (c.binary()) {
            b = rs.getBytes(i);
        } else if (c.jdbcType() == Types.DOUBLE || c.jdbcType() == Types.FLOAT || c.jdbcType() == Types.REAL) {
            // by their bits, not their text: a driver may format the same double differently
            // (pgjdbc: the server's text, or Java's toString once a statement is server-prepared
            // and its results arrive binary — JDK 17's toString is not always the shortest form)
            double d = rs.getDouble(i);
            b = rs.wasNull() ? null : java.nio.ByteBuffer.allocate(8).putLong(c.jdbcType() == Types.REAL
                    ? Float.floatToIntBits((float) d) : Double.doubleToLongBits(d)).array();
        } else {
            String s = rs.getString(i);
            b = s == null ? null : s.getBytes(StandardCharsets.UTF_8);
        }
        update(md, b);
    }

    /** Digest input for one value's bytes (null: the null marker). */
    static void update(MessageDigest md, byte[] b) {
        if (b == null) {
            md.update((byte) 0);
            return;
        }
        md.update((byte) 1);
        int n = b.length;
        md.update((byte) (n >>> 24));
        md.update((byte) (n >>> 16));
        md.update((byte) (n >>> 8));
        md.update((byte) n);
        md.update(b);
    }

    /** Human-readable key: {@code 42} or {@code (7, 'x')}. */
    static String keyText(Object[] key) {
        if (key == null) return "-";
        if (key.length == 1) return text(key[0]);
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < key.length; i++) sb.append(i == 0 ? "" : ", ").append(text(key[i]));
        return sb.append(')').toString();
    }

    private static String text(Object o) {
        return o instanceof byte[] b ? "X'" + java.util.HexFormat.of().formatHex(b) + "'" : String.valueOf(o);
    }
}
