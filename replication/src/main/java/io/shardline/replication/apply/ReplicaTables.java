package io.shardline.replication.apply;

import io.shardline.replication.log.Dialect;
import io.shardline.replication.log.RowChange;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the applier needs to know about the replica's tables, read once per table from the
 * replica's metadata and kept until the schema may have changed ({@link #forget}: after a DDL
 * entry, or when the watermark moved without this applier): for {@link Writesets}, unique indexes
 * besides the primary key and foreign-key links; for a replica of another engine than its
 * primary, the table's name there and its columns' kinds ({@link #target}).
 */
final class ReplicaTables implements Writesets.Tables {

    private record Facts(boolean otherUniqueIndex, List<String> linked) {
    }

    /** A table of a replica of another engine: its name in SQL, its schema or database, and its columns by name. */
    record Found(String sql, String catalog, String schema, String table, Map<String, TargetColumn> columns) {

        /** The replica's column for the primary's {@code column}: the same name, else the same name in another case. */
        TargetColumn column(String column) throws SQLException {
            TargetColumn c = ReplicaNames.match(List.copyOf(columns.values()), TargetColumn::name, column, "column",
                    "the replica's table " + sql);
            if (c == null) throw new SQLException("the replica's table " + sql + " has no column " + column
                    + " (of the primary's table): it has diverged from the primary", "42S22");
            return c;
        }
    }

    private final Dialect dialect;
    private final String primaryCatalog;
    private final String replicaCatalog;
    /** Non-null when the primary runs another engine: its default schema (H2 PUBLIC, PostgreSQL public, MySQL its database). */
    private final String primaryDefaultSchema;
    /** The replica's default schema (H2, PostgreSQL) or database (MySQL), where the primary's default schema's tables are. */
    private final String replicaDefaultSchema;
    private final Map<String, Facts> facts = new HashMap<>();
    /** Read by lanes on threads of their own (each through its own connection): concurrent. */
    private final Map<String, Found> found = new java.util.concurrent.ConcurrentHashMap<>();
    private Connection connection;

    ReplicaTables(Dialect dialect, String primaryCatalog, String replicaCatalog) {
        this(dialect, primaryCatalog, replicaCatalog, null, null);
    }

    /**
     * @param primaryDefaultSchema non-null for a replica whose engine is not the primary's: the
     *     primary's default schema, mapped to {@code replicaDefaultSchema}
     */
    ReplicaTables(Dialect dialect, String primaryCatalog, String replicaCatalog, String primaryDefaultSchema,
                  String replicaDefaultSchema) {
        this.dialect = dialect;
        this.primaryCatalog = primaryCatalog;
        this.replicaCatalog = replicaCatalog;
        this.primaryDefaultSchema = primaryDefaultSchema;
        this.replicaDefaultSchema = replicaDefaultSchema;
    }

    /** True when the replica runs another engine than its primary. */
    boolean crossEngine() {
        return primaryDefaultSchema != null;
    }

    /**
     * The replica's table for a change of the primary's table (replica of another engine only).
     * The primary's default schema is the replica's default schema; names are matched exactly,
     * else without regard to case (an unquoted name that each engine folds its own way).
     *
     * @param c a replica connection to read metadata through, if the table is not known yet
     * @throws SQLException if the replica has no such table (it has diverged), or two that match
     */
    Found target(RowChange ch, Connection c) throws SQLException {
        String key = ch.schema() + "\u0000" + ch.table();
        Found f = found.get(key);
        if (f == null) {
            f = find(ch, c);
            found.put(key, f);
        }
        return f;
    }

    private Found find(RowChange ch, Connection c) throws SQLException {
        DatabaseMetaData md = c.getMetaData();
        boolean byDefault = ch.schema().equalsIgnoreCase(primaryDefaultSchema);
        String schema = byDefault ? replicaDefaultSchema : ch.schema();
        for (String s : new java.util.LinkedHashSet<>(List.of(schema, schema.toLowerCase(Locale.ROOT), schema.toUpperCase(Locale.ROOT)))) {
            String catalog = dialect == Dialect.MYSQL ? s : null;
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = md.getTables(catalog, dialect == Dialect.MYSQL ? null : s, null, null)) {
                while (rs.next()) {
                    String type = rs.getString("TABLE_TYPE");
                    if (type == null || type.toUpperCase(Locale.ROOT).contains("TABLE")) tables.add(rs.getString("TABLE_NAME"));
                }
            }
            String table = ReplicaNames.match(tables, t -> t, ch.table(), "table", "the replica");
            if (table == null) continue;
            Map<String, TargetColumn> columns = new java.util.LinkedHashMap<>();
            try (ResultSet rs = md.getColumns(catalog, dialect == Dialect.MYSQL ? null : s, table, null)) {
                while (rs.next()) {
                    if (!table.equals(rs.getString("TABLE_NAME"))) continue; // '_' in a pattern matches any character
                    String name = rs.getString("COLUMN_NAME");
                    String typeName = rs.getString("TYPE_NAME");
                    columns.put(name, new TargetColumn(name, TargetColumn.kindOf(dialect, rs.getInt("DATA_TYPE"), typeName,
                            rs.getInt("COLUMN_SIZE")), typeName, dialect));
                }
            }
            String sql = dialect == Dialect.MYSQL && s.equals(replicaDefaultSchema) ? dialect.quote(table)
                    : dialect.quote(s) + "." + dialect.quote(table);
            return new Found(sql, catalog, dialect == Dialect.MYSQL ? null : s, table, Map.copyOf(columns));
        }
        throw new SQLException("the replica has no table " + (byDefault ? "" : schema + ".") + ch.table()
                + " (of the primary): it has diverged from the primary, or missed the DDL that created it", "42S02");
    }

    /** The replica connection to read metadata through (the round's). */
    ReplicaTables on(Connection c) {
        connection = c;
        return this;
    }

    /** Forgets what was read: the replica's schema may have changed. */
    void forget() {
        facts.clear();
        found.clear();
    }

    @Override
    public boolean otherUniqueIndex(RowChange change) {
        return facts(change).otherUniqueIndex();
    }

    @Override
    public List<String> linked(RowChange change) {
        return facts(change).linked();
    }

    private Facts facts(RowChange ch) {
        String key = ch.schema() + "\u0000" + ch.table();
        Facts f = facts.get(key);
        if (f == null) {
            try {
                f = read(ch);
            } catch (SQLException e) {
                // unknown: the safe answer puts the table's changes in one lane with its neighbours
                f = new Facts(true, List.of());
            }
            facts.put(key, f);
        }
        return f;
    }

    private Facts read(RowChange ch) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        String catalog = null;
        String schema = ch.schema();
        String table = ch.table();
        if (crossEngine()) {
            Found f = target(ch, connection);
            catalog = f.catalog();
            schema = f.schema();
            table = f.table();
        } else if (dialect == Dialect.MYSQL) {
            catalog = ch.schema().equals(primaryCatalog) ? replicaCatalog : ch.schema();
            schema = null;
        }
        Set<String> keyColumns = new HashSet<>();
        for (int k : ch.key()) keyColumns.add(ch.columns()[k].toLowerCase(Locale.ROOT));
        Map<String, Set<String>> unique = new HashMap<>();
        try (ResultSet rs = md.getIndexInfo(catalog, schema, table, true, true)) {
            while (rs.next()) {
                String index = rs.getString("INDEX_NAME");
                String column = rs.getString("COLUMN_NAME");
                if (index == null || column == null || rs.getBoolean("NON_UNIQUE")) continue;
                unique.computeIfAbsent(index, i -> new HashSet<>()).add(column.toLowerCase(Locale.ROOT));
            }
        }
        boolean other = false;
        for (Set<String> columns : unique.values()) other |= !columns.equals(keyColumns);
        List<String> linked = new ArrayList<>();
        if (dialect == Dialect.MYSQL) {
            // H2 replicas apply with referential integrity off (H2 captures its cascades): no links there
            try (ResultSet rs = md.getImportedKeys(catalog, schema, table)) {
                while (rs.next()) linked.add(link(rs.getString("PKTABLE_NAME")));
            }
            try (ResultSet rs = md.getExportedKeys(catalog, schema, table)) {
                while (rs.next()) linked.add(link(rs.getString("FKTABLE_NAME")));
            }
            if (!linked.isEmpty()) linked.add(link(ch.table()));
        }
        return new Facts(other, List.copyOf(linked));
    }

    /** A foreign-key link's writeset key: the table's name (tables of the same name in other schemas merely share a lane). */
    private static String link(String table) {
        return "fk\u0000" + table.toLowerCase(Locale.ROOT);
    }
}
