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
 * What {@link Writesets} needs to know about the replica's tables — unique indexes besides the
 * primary key, foreign-key links — read once per table from the replica's metadata and kept until
 * the schema may have changed ({@link #forget}: after a DDL entry, or when the watermark moved
 * without this applier).
 */
final class ReplicaTables implements Writesets.Tables {

    private record Facts(boolean otherUniqueIndex, List<String> linked) {
    }

    private final Dialect dialect;
    private final String primaryCatalog;
    private final String replicaCatalog;
    private final Map<String, Facts> facts = new HashMap<>();
    private Connection connection;

    ReplicaTables(Dialect dialect, String primaryCatalog, String replicaCatalog) {
        this.dialect = dialect;
        this.primaryCatalog = primaryCatalog;
        this.replicaCatalog = replicaCatalog;
    }

    /** The replica connection to read metadata through (the round's). */
    ReplicaTables on(Connection c) {
        connection = c;
        return this;
    }

    /** Forgets what was read: the replica's schema may have changed. */
    void forget() {
        facts.clear();
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
        if (dialect == Dialect.MYSQL) {
            catalog = ch.schema().equals(primaryCatalog) ? replicaCatalog : ch.schema();
            schema = null;
        }
        Set<String> keyColumns = new HashSet<>();
        for (int k : ch.key()) keyColumns.add(ch.columns()[k].toLowerCase(Locale.ROOT));
        Map<String, Set<String>> unique = new HashMap<>();
        try (ResultSet rs = md.getIndexInfo(catalog, schema, ch.table(), true, true)) {
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
            try (ResultSet rs = md.getImportedKeys(catalog, schema, ch.table())) {
                while (rs.next()) linked.add(link(rs.getString("PKTABLE_NAME")));
            }
            try (ResultSet rs = md.getExportedKeys(catalog, schema, ch.table())) {
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
