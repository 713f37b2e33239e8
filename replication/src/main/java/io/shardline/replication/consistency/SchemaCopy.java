package io.shardline.replication.consistency;

import io.shardline.replication.log.Dialect;
import io.shardline.routing.sql.DdlTranslation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates on a replica the application tables of its primary that the replica lacks, before a
 * resync copies their rows: a new replica — in particular one on another engine, the start of an
 * engine migration — needs no schema prepared by hand.
 *
 * <p>The primary's table is described in the primary's own dialect — MySQL/MariaDB's
 * {@code SHOW CREATE TABLE}, PostgreSQL's catalog types ({@code format_type}), constraints and
 * indexes, H2's {@code INFORMATION_SCHEMA} — and, for a replica of another engine, translated by
 * {@link DdlTranslation} exactly as the primary's DDL is for that replica's applier, so a table the
 * translation cannot take is refused by name, as it would have been at the primary. Tables the
 * replica already has are left as they are (matched by name, else by name in another case).
 * Defaults are not copied from PostgreSQL and H2 (a replica never generates a value; a default
 * that matters after an engine migration is set there by hand).
 */
public final class SchemaCopy {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaCopy.class);

    private SchemaCopy() {
    }

    /**
     * The primary's tables that the replica {@code r} of another engine lacks and could not be given
     * (their DDL is outside what {@link DdlTranslation} translates for it), each with the reason:
     * checked when Shardline starts, so that such a topology is refused at once, naming the table
     * and the construct, instead of halting the replica at its first row. A table the replica has
     * (created there by hand, say a {@code JSON} column as {@code jsonb}) is not checked.
     *
     * @param ownSchema the primary's Shardline schema (not an application schema)
     */
    public static List<String> untranslatable(Connection p, Dialect source, String ownSchema, Connection r, Dialect target)
            throws SQLException {
        Set<String> existing = replicaTables(r, target);
        String defaultSchema = source == Dialect.MYSQL ? p.getCatalog() : p.getSchema();
        List<String> problems = new ArrayList<>();
        for (TableSet.Table t : TableSet.list(p, ownSchema)) {
            if (existing.contains(t.name().toLowerCase(Locale.ROOT))) continue;
            for (String statement : describe(p, source, t.name())) {
                try {
                    DdlTranslation.translate(statement, source.engine(), target.engine(), defaultSchema);
                } catch (java.sql.SQLFeatureNotSupportedException e) {
                    problems.add("table " + t.name() + ": " + e.getMessage());
                    break;
                }
            }
        }
        return problems;
    }

    private static Set<String> replicaTables(Connection r, Dialect target) throws SQLException {
        Set<String> existing = new HashSet<>();
        String catalog = target == Dialect.MYSQL ? r.getCatalog() : null;
        String schema = target == Dialect.MYSQL ? null : r.getSchema();
        try (ResultSet rs = r.getMetaData().getTables(catalog, schema, null, null)) {
            while (rs.next()) existing.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
        }
        return existing;
    }

    /**
     * Creates the tables of {@code tables} that {@code r} lacks (DDL commits implicitly on MySQL and
     * H2: call outside the resync's transaction).
     *
     * @return the names of the tables created
     */
    static List<String> createMissing(String replicaName, Connection p, Dialect source, Connection r, Dialect target,
                                      List<TableSet.Table> tables) throws SQLException {
        Set<String> existing = replicaTables(r, target);
        String defaultSchema = source == Dialect.MYSQL ? p.getCatalog() : p.getSchema();
        List<String> created = new ArrayList<>();
        for (TableSet.Table t : tables) {
            if (existing.contains(t.name().toLowerCase(Locale.ROOT))) continue;
            List<String> ddl = new ArrayList<>();
            for (String statement : describe(p, source, t.name())) {
                ddl.addAll(source == target ? List.of(statement)
                        : DdlTranslation.translate(statement, source.engine(), target.engine(), defaultSchema));
            }
            try (Statement st = r.createStatement()) {
                for (String statement : ddl) st.execute(statement);
            }
            LOG.info("Replica {}: created table {} as the primary has it", replicaName, t.name());
            created.add(t.name());
        }
        return created;
    }

    /** The primary's table {@code table} as DDL in its own dialect: the CREATE TABLE, then its other indexes. */
    static List<String> describe(Connection p, Dialect d, String table) throws SQLException {
        return switch (d) {
            case MYSQL -> {
                try (Statement st = p.createStatement();
                     ResultSet rs = st.executeQuery("SHOW CREATE TABLE `" + table.replace("`", "``") + "`")) {
                    rs.next();
                    yield List.of(rs.getString(2));
                }
            }
            case POSTGRESQL -> postgres(p, table);
            case H2 -> h2(p, table);
        };
    }

    private static List<String> postgres(Connection p, String table) throws SQLException {
        String regclass = Dialect.POSTGRESQL.quote(p.getSchema()) + "." + Dialect.POSTGRESQL.quote(table);
        StringBuilder create = new StringBuilder("CREATE TABLE ").append(Dialect.POSTGRESQL.quote(table)).append(" (");
        try (PreparedStatement ps = p.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,"
                + " a.attidentity, a.attgenerated FROM pg_attribute a WHERE a.attrelid = CAST(? AS regclass) AND a.attnum > 0"
                + " AND NOT a.attisdropped ORDER BY a.attnum")) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                boolean first = true;
                while (rs.next()) {
                    if (!first) create.append(", ");
                    first = false;
                    create.append(Dialect.POSTGRESQL.quote(rs.getString(1))).append(' ').append(rs.getString(2));
                    String identity = rs.getString(4);
                    if (identity != null && !identity.isEmpty()) create.append(" GENERATED BY DEFAULT AS IDENTITY");
                    String generated = rs.getString(5);
                    // a computed column: the translation refuses it, naming the column
                    if (generated != null && !generated.isEmpty()) create.append(" GENERATED ALWAYS AS (NULL) STORED");
                    if (rs.getBoolean(3)) create.append(" NOT NULL");
                }
            }
        }
        try (PreparedStatement ps = p.prepareStatement("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                + " WHERE conrelid = CAST(? AS regclass) AND contype IN ('p', 'u') ORDER BY contype, conname")) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) create.append(", CONSTRAINT ").append(Dialect.POSTGRESQL.quote(rs.getString(1))).append(' ').append(rs.getString(2));
            }
        }
        List<String> out = new ArrayList<>();
        out.add(create.append(')').toString());
        // indexes that back no constraint
        try (PreparedStatement ps = p.prepareStatement("SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE"
                + " i.indrelid = CAST(? AS regclass) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
                + " ORDER BY i.indexrelid")) {
            ps.setString(1, regclass);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static List<String> h2(Connection p, String table) throws SQLException {
        StringBuilder create = new StringBuilder("CREATE TABLE ").append(Dialect.H2.quote(table)).append(" (");
        try (PreparedStatement ps = p.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH,"
                + " NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, IS_NULLABLE, IS_IDENTITY FROM INFORMATION_SCHEMA.COLUMNS"
                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, p.getSchema());
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                boolean first = true;
                while (rs.next()) {
                    if (!first) create.append(", ");
                    first = false;
                    create.append(Dialect.H2.quote(rs.getString(1))).append(' ').append(h2Type(rs));
                    if ("YES".equals(rs.getString(8))) create.append(" GENERATED BY DEFAULT AS IDENTITY");
                    if ("NO".equals(rs.getString(7))) create.append(" NOT NULL");
                }
            }
        }
        List<String> key = new ArrayList<>();
        try (ResultSet rs = p.getMetaData().getPrimaryKeys(null, p.getSchema(), table)) {
            java.util.Map<Short, String> byPosition = new java.util.TreeMap<>();
            while (rs.next()) byPosition.put(rs.getShort("KEY_SEQ"), Dialect.H2.quote(rs.getString("COLUMN_NAME")));
            key.addAll(byPosition.values());
        }
        if (!key.isEmpty()) create.append(", PRIMARY KEY (").append(String.join(", ", key)).append(')');
        return List.of(create.append(')').toString());
    }

    /** An H2 column's type with its length, precision and scale as H2's INFORMATION_SCHEMA gives them. */
    private static String h2Type(ResultSet rs) throws SQLException {
        String type = rs.getString(2);
        long length = rs.getLong(3);
        boolean hasLength = !rs.wasNull();
        int precision = rs.getInt(4);
        int scale = rs.getInt(5);
        int fraction = rs.getInt(6);
        boolean hasFraction = !rs.wasNull();
        return switch (type) {
            case "CHARACTER", "CHARACTER VARYING", "BINARY", "BINARY VARYING" -> hasLength ? type + "(" + length + ")" : type;
            case "NUMERIC", "DECIMAL" -> type + "(" + precision + ", " + scale + ")";
            case "TIME", "TIMESTAMP" -> hasFraction ? type + "(" + fraction + ")" : type;
            case "TIME WITH TIME ZONE", "TIMESTAMP WITH TIME ZONE" -> hasFraction
                    ? type.replace(" WITH", "(" + fraction + ") WITH") : type;
            default -> type;
        };
    }
}
