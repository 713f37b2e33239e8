package io.shardline.replication.consistency;

import io.shardline.replication.apply.ReplicaNames;
import io.shardline.replication.apply.TargetColumn;
import io.shardline.replication.apply.TargetColumn.Kind;
import io.shardline.replication.log.Dialect;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * How {@link ConsistencyVerifier} and {@link ReplicaResync} read, bind and hash one node's rows of
 * a table.
 *
 * <p>Natively ({@link #of}) when the replica runs the primary's engine: values as the driver
 * gives them, hashed by their text, so equal rows are equal byte for byte. By value
 * ({@link #pair}) for a replica of another engine, where the same row prints differently (a
 * boolean {@code 1} or {@code t}, a decimal {@code 1.5000} or {@code 1.5}): each column pair is
 * compared as one {@link TargetColumn#comparedAs kind}, each side's value read in its own kind and
 * hashed as the {@link TargetColumn#canonical} text of the compared kind; keys are bound through
 * {@link TargetColumn#bind}, which converts a value exactly into the node's column.
 */
final class TableView {

    /**
     * Key kinds that every engine orders alike, so that one key range selects the same rows on
     * both sides. Not text (collations differ: MariaDB's default ignores case), UUIDs (MariaDB
     * orders by its own byte layout), bytes or floats.
     */
    private static final Set<Kind> ORDERED = EnumSet.of(Kind.BOOLEAN, Kind.INTEGER, Kind.DECIMAL, Kind.DATE, Kind.TIME,
            Kind.TIMESTAMP, Kind.INSTANT);

    /** The node's table: for a replica of another engine its columns in the primary's order, and the primary's key. */
    final TableSet.Table table;
    /** Per column, by value only: its kind on this node (how it is read and bound), else null. */
    private final TargetColumn[] own;
    /** Per column, by value only: the kind both sides compare it as (null in a copy's view of a pair that cannot be compared). */
    private final TargetColumn[] compared;

    private TableView(TableSet.Table table, TargetColumn[] own, TargetColumn[] compared) {
        this.table = table;
        this.own = own;
        this.compared = compared;
    }

    /**
     * A table of a primary and its table on a replica of another engine.
     *
     * @param rules per column the comparison rule, for the report
     * @param ordered whether both engines order the key alike, so it can be walked in chunks
     */
    record Pair(TableView primary, TableView replica, List<String> rules, boolean ordered) {
    }

    /** The native view of a table, for a replica of the primary's engine. */
    static TableView of(TableSet.Table table) {
        return new TableView(table, null, null);
    }

    /**
     * Pairs the primary's {@code table} with its table among {@code replicaTables} (the replica's
     * default schema, which holds the primary's default schema's tables) and each column with the
     * replica's: by name exactly, else without regard to case (unquoted names each engine folds its
     * own way). Replica columns the primary does not have are left out.
     *
     * @param copy true for a copy, which needs no comparison: column pairs that cannot be compared are accepted
     * @throws SQLException if a table or column is missing or ambiguous, or (not {@code copy}) a
     *     column pair cannot be compared, naming the column and both types
     */
    static Pair pair(TableSet.Table table, Dialect primary, List<TableSet.Table> replicaTables, Dialect replica, boolean copy)
            throws SQLException {
        TableSet.Table there = byName(replicaTables, TableSet.Table::name, table.name(), "table", "the replica");
        List<TableSet.Column> columns = new ArrayList<>();
        int n = table.columns().size();
        TargetColumn[] p = new TargetColumn[n];
        TargetColumn[] r = new TargetColumn[n];
        TargetColumn[] c = new TargetColumn[n];
        List<String> rules = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TableSet.Column pc = table.columns().get(i);
            TableSet.Column rc = byName(there.columns(), TableSet.Column::name, pc.name(), "column",
                    "the replica's table " + there.name());
            columns.add(rc);
            p[i] = target(pc, primary);
            r[i] = target(rc, replica);
            Kind k = TargetColumn.comparedAs(p[i].kind(), r[i].kind());
            if (k == null && !copy) {
                throw new SQLException("column " + pc.name() + " of table " + table.name()
                        + " cannot be compared across engines: " + pc.typeName() + " on the primary (" + primary + "), "
                        + rc.typeName() + " on the replica (" + replica + ")", "0A000");
            }
            if (k == null) continue;
            c[i] = new TargetColumn(pc.name(), k, pc.typeName(), primary);
            boolean utc = k == Kind.INSTANT && (p[i].kind() == Kind.TIMESTAMP || r[i].kind() == Kind.TIMESTAMP);
            rules.add(pc.name() + ": " + c[i].rule() + " [primary " + pc.typeName() + ", replica " + rc.typeName()
                    + (utc ? "; the " + (p[i].kind() == Kind.TIMESTAMP ? pc : rc).typeName() + " read as UTC" : "") + "]");
        }
        boolean ordered = table.hasPrimaryKey();
        for (int k : table.primaryKey()) ordered &= c[k] != null && ORDERED.contains(c[k].kind());
        if (table.hasPrimaryKey() && !ordered) {
            rules.add("(the engines may order the key differently: the table is compared in one chunk)");
        }
        TableSet.Table shaped = new TableSet.Table(there.name(), there.quoted(), List.copyOf(columns), table.primaryKey());
        return new Pair(new TableView(table, p, c), new TableView(shaped, r, c), List.copyOf(rules), ordered);
    }

    private static TargetColumn target(TableSet.Column c, Dialect d) {
        return new TargetColumn(c.name(), TargetColumn.kindOf(d, c.jdbcType(), c.typeName(), c.size()), c.typeName(), d);
    }

    /** The item named {@code name}, else the only one named so without regard to case ({@link ReplicaNames}). */
    private static <T> T byName(List<T> items, Function<T, String> nameOf, String name, String what, String where)
            throws SQLException {
        T found = ReplicaNames.match(items, nameOf, name, what, where);
        if (found == null) throw new SQLException(where + " has no " + what + " " + name + " (of the primary)", "42S02");
        return found;
    }

    /** The select list: every column (by value, a MySQL {@code TIMESTAMP} as its epoch seconds, which no time zone shifts). */
    String select() {
        if (own == null) return table.columnList(true);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < own.length; i++) {
            String q = table.columns().get(i).quoted();
            sb.append(i == 0 ? "" : ", ").append(own[i].kind() == Kind.MYSQL_TIMESTAMP ? "UNIX_TIMESTAMP(" + q + ")" : q);
        }
        return sb.toString();
    }

    /** {@code (pk1, pk2) > (?, ?)} or {@code pk > ?}, by value with each key column's placeholder. */
    String keyPredicate(String op) {
        if (own == null) return table.keyPredicate(op);
        int[] pk = table.primaryKey();
        java.util.StringJoiner values = new java.util.StringJoiner(", ");
        for (int k : pk) values.add(own[k].placeholder());
        return pk.length == 1 ? table.keyList() + " " + op + " " + values : "(" + table.keyList() + ") " + op + " (" + values + ")";
    }

    /** The insert of a copy: every column the node does not compute, with its placeholder. */
    String insert() {
        StringBuilder cols = new StringBuilder();
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < table.columns().size(); i++) {
            if (table.columns().get(i).generated()) continue;
            cols.append(cols.length() == 0 ? "" : ", ").append(table.columns().get(i).quoted());
            values.append(values.length() == 0 ? "" : ", ").append(own == null ? "?" : own[i].placeholder());
        }
        return "INSERT INTO " + table.quoted() + " (" + cols + ") VALUES (" + values + ")";
    }

    /** Binds {@code v} (read by either side's {@link #read}) as column {@code col} (0-based) of this node. */
    void bind(PreparedStatement ps, int i, int col, Object v) throws SQLException {
        if (own == null) TableSet.write(ps, i, table.columns().get(col), v);
        else own[col].bind(ps, i, v, null);
    }

    /** Reads column {@code col} (0-based), selected by {@link #select} at position {@code i}. */
    Object read(ResultSet rs, int i, int col) throws SQLException {
        if (own == null) return TableSet.read(rs, i, table.columns().get(col));
        return switch (own[col].kind()) {
            case DECIMAL -> rs.getBigDecimal(i);
            case REAL -> {
                float f = rs.getFloat(i);
                yield rs.wasNull() ? null : f;
            }
            case DOUBLE -> {
                double d = rs.getDouble(i);
                yield rs.wasNull() ? null : d;
            }
            case TEXT, CHAR -> rs.getString(i);
            case BINARY -> rs.getBytes(i);
            case DATE -> rs.getObject(i, LocalDate.class);
            case TIME -> rs.getObject(i, LocalTime.class);
            case TIMESTAMP -> rs.getObject(i, LocalDateTime.class);
            case INSTANT -> rs.getObject(i, OffsetDateTime.class);
            case MYSQL_TIMESTAMP -> {
                BigDecimal epoch = rs.getBigDecimal(i);
                yield epoch == null ? null
                        : Instant.ofEpochSecond(epoch.longValue(), epoch.remainder(BigDecimal.ONE).movePointRight(9).longValue());
            }
            case UUID -> {
                // MariaDB's UUID reads as text, PostgreSQL's and H2's as the object
                String s = rs.getString(i);
                yield s == null ? null : UUID.fromString(s);
            }
            default -> rs.getObject(i); // BOOLEAN, INTEGER (Boolean/Number as the driver gives them), OTHER
        };
    }

    /** Hashes the current row into {@code md} (each column: {@link TableSet#update}) and returns its key (null without one). */
    Object[] hashRow(ResultSet rs, MessageDigest md) throws SQLException {
        List<TableSet.Column> cols = table.columns();
        int[] pk = table.primaryKey();
        Object[] key = table.hasPrimaryKey() ? new Object[pk.length] : null;
        if (own == null) {
            for (int c = 0; c < cols.size(); c++) TableSet.hash(md, rs, c + 1, cols.get(c));
            for (int k = 0; key != null && k < pk.length; k++) key[k] = TableSet.read(rs, pk[k] + 1, cols.get(pk[k]));
            return key;
        }
        Object[] values = new Object[cols.size()];
        for (int c = 0; c < cols.size(); c++) {
            values[c] = read(rs, c + 1, c);
            String s = canonical(c, values[c]);
            TableSet.update(md, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
        }
        for (int k = 0; key != null && k < pk.length; k++) key[k] = values[pk[k]];
        return key;
    }

    /** By value: the key as text both sides agree on ({@code 42}, {@code (7, x)}); natively null (compared as read). */
    String id(Object[] key) {
        if (own == null || key == null) return null;
        Object[] text = new Object[key.length];
        for (int k = 0; k < key.length; k++) text[k] = canonical(table.primaryKey()[k], key[k]);
        return TableSet.keyText(text);
    }

    /**
     * The compared text of column {@code col}'s value. A value that has none in the compared kind
     * (an integer column's {@code 2} against a boolean) is marked, so it equals no value that has
     * one and the row is reported different rather than the table unverifiable.
     */
    private String canonical(int col, Object v) {
        try {
            return compared[col].canonical(v);
        } catch (RuntimeException e) {
            return "\u0000" + (v instanceof byte[] b ? java.util.HexFormat.of().formatHex(b) : String.valueOf(v));
        }
    }
}
