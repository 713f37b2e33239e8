package io.shardline.driver;

import io.shardline.routing.sql.StatementInfo;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.rowset.CachedRowSet;
import javax.sql.rowset.RowSetFactory;
import javax.sql.rowset.RowSetMetaDataImpl;
import javax.sql.rowset.RowSetProvider;

/**
 * Database-generated keys (IDENTITY / AUTO_INCREMENT): captured from the primary and written
 * explicitly into the statement the replicas replay, so that every node stores the same ids.
 *
 * <p>Only a plain {@code INSERT ... VALUES} that leaves the identity column out needs this; its
 * replica form ({@link StatementInfo#keyInsertion}) lists the column first and binds the
 * captured key there. The keys are read once from the primary into memory and handed to the
 * application as an ordinary result set.
 */
final class GeneratedKeys {

    private static final RowSetFactory ROW_SETS;

    static {
        try {
            ROW_SETS = RowSetProvider.newFactory();
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The keys read from the primary: as a result set for the application and as values to reorder. */
    record Captured(ResultSet resultSet, List<Object> keys) {
    }

    private GeneratedKeys() {
    }

    /**
     * The identity column whose generated values a shard's part of a cross-shard INSERT hands back
     * to the application, or null. Only a plain {@code INSERT ... VALUES} whose rows all leave the
     * key to the database can match keys to rows; any other insert (INSERT ... SELECT, some rows
     * with explicit keys) returns no generated keys from a cross-shard execution. It replicates all
     * the same: the capture triggers record the rows the primary stored, keys included.
     */
    static String identityColumnToCapture(ShardlineConnection conn, StatementInfo info, Connection primary)
            throws SQLException {
        if (!info.isInsert() || info.insertTable() == null || !info.insertIsPlain() || info.insertRows() < 1) return null;
        List<String> cols = info.insertColumns();
        if (cols.isEmpty()) return null; // every column, the identity included, is given explicitly
        String identity = conn.runtime.identityColumn(primary, info.insertTable());
        if (identity == null) return null;
        if (cols.contains(identity.toLowerCase(Locale.ROOT))) {
            // listed with DEFAULT / NULL in every row (Hibernate on H2 writes "values (?, ?, default)"):
            // the primary generates the keys. Explicit in any row: nothing to hand back.
            if (info.insertDefaultedRows(identity) != info.insertRows()) return null;
        }
        return identity;
    }

    /** Reads the primary's generated keys; there must be exactly {@code expectedRows} of them. */
    static Captured capture(ResultSet keys, String identity, int expectedRows, StatementInfo info) throws SQLException {
        CachedRowSet rows = ROW_SETS.createCachedRowSet();
        try (ResultSet k = keys) {
            rows.populate(k);
        }
        ResultSetMetaData md = rows.getMetaData();
        int column = 1;
        if (md != null) {
            for (int i = 1; i <= md.getColumnCount(); i++) {
                if (identity.equalsIgnoreCase(md.getColumnLabel(i)) || identity.equalsIgnoreCase(md.getColumnName(i))) {
                    column = i;
                    break;
                }
            }
        }
        List<Object> values = new ArrayList<>(expectedRows);
        rows.beforeFirst();
        while (rows.next()) values.add(normalize(rows.getObject(column)));
        rows.beforeFirst();
        if (values.size() != expectedRows || values.contains(null)) {
            throw new SQLException("the primary returned " + values.size() + " generated keys for " + expectedRows
                    + " inserted rows; the statement cannot be replicated with the same ids: "
                    + StatementInfo.abbreviate(info.sql()), "XX000");
        }
        return new Captured(rows, values);
    }

    private static Object normalize(Object key) {
        if (key instanceof Integer || key instanceof Short || key instanceof Byte) return ((Number) key).longValue();
        if (key instanceof BigInteger b && b.bitLength() < 64) return b.longValue();
        if (key instanceof BigDecimal d) {
            try {
                return d.longValueExact();
            } catch (ArithmeticException e) {
                return d;
            }
        }
        return key;
    }

    /** An empty key result set. */
    static ResultSet empty(ShardlineStatement owner) throws SQLException {
        CachedRowSet rows = ROW_SETS.createCachedRowSet();
        RowSetMetaDataImpl md = new RowSetMetaDataImpl();
        md.setColumnCount(0);
        rows.setMetaData(md);
        return new ShardlineResultSet(rows, owner);
    }
}
