package io.shardline.driver;

import io.shardline.routing.sql.StatementInfo;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
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

    /** The keys read from the primary: as a result set for the application and as values for the log. */
    record Captured(ResultSet resultSet, List<Object> keys) {
    }

    private GeneratedKeys() {
    }

    /**
     * The identity column whose generated values must be captured for this statement, or null.
     *
     * @throws SQLFeatureNotSupportedException for an insert into a table with a generated key
     *     whose rows cannot be matched to the keys (INSERT ... SELECT, ON DUPLICATE KEY ...)
     */
    static String identityColumnToCapture(ShardlineConnection conn, StatementInfo info, Connection primary)
            throws SQLException {
        if (!info.isInsert() || info.insertTable() == null) return null;
        List<String> cols = info.insertColumns();
        if (cols.isEmpty()) return null; // every column, the identity included, is given explicitly
        String identity = conn.runtime.identityColumn(primary, info.insertTable());
        if (identity == null) return null;
        if (cols.contains(identity.toLowerCase(Locale.ROOT))) {
            // listed with explicit values: nothing to capture. Listed with DEFAULT / NULL (Hibernate on
            // H2 writes "values (?, ?, default)"): the primary generates the keys, capture them.
            int defaulted = info.insertDefaultedRows(identity);
            if (defaulted == 0) return null;
            if (defaulted != info.insertRows()) {
                throw new SQLFeatureNotSupportedException("this INSERT into " + info.insertTable() + " gives its generated"
                        + " key column " + identity + " DEFAULT/NULL in some rows and a value in others; the generated keys"
                        + " cannot be matched to its rows: " + ShardlineConnection.abbreviate(info.sql()), "0A000");
            }
        }
        if (!info.insertIsPlain() || info.insertRows() < 1) {
            throw new SQLFeatureNotSupportedException("this INSERT into " + info.insertTable()
                    + " leaves its generated key column " + identity + " to the database, but its rows cannot be matched to"
                    + " the generated keys (only plain INSERT ... VALUES can be); list " + identity
                    + " explicitly: " + ShardlineConnection.abbreviate(info.sql()), "0A000");
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
                    + ShardlineConnection.abbreviate(info.sql()), "XX000");
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
