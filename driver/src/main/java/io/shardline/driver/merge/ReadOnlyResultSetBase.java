package io.shardline.driver.merge;

import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;

/**
 * A read-only, forward-only {@link java.sql.ResultSet} base: updates (generated in
 * {@link ReadOnlyResultSetMethods}), scrolling and row changes throw
 * {@link SQLFeatureNotSupportedException}; getters by label forward to the getters by index
 * through {@link #findColumn(String)} (also generated).
 */
abstract class ReadOnlyResultSetBase extends ReadOnlyResultSetMethods {

    static final String READ_ONLY = "a merged cross-shard result is read-only and forward-only";

    @Override
    SQLFeatureNotSupportedException readOnly(String method) {
        return new SQLFeatureNotSupportedException(READ_ONLY + " (" + method + ")", "0A000");
    }

    // ---------------------------------------------------------------- no scrolling

    @Override
    public boolean absolute(int row) throws SQLException {
        throw readOnly("absolute");
    }

    @Override
    public boolean relative(int rows) throws SQLException {
        throw readOnly("relative");
    }

    @Override
    public boolean first() throws SQLException {
        throw readOnly("first");
    }

    @Override
    public boolean last() throws SQLException {
        throw readOnly("last");
    }

    @Override
    public boolean previous() throws SQLException {
        throw readOnly("previous");
    }

    @Override
    public void beforeFirst() throws SQLException {
        throw readOnly("beforeFirst");
    }

    @Override
    public void afterLast() throws SQLException {
        throw readOnly("afterLast");
    }

    // ---------------------------------------------------------------- no row changes

    @Override
    public void insertRow() throws SQLException {
        throw readOnly("insertRow");
    }

    @Override
    public void deleteRow() throws SQLException {
        throw readOnly("deleteRow");
    }

    @Override
    public void refreshRow() throws SQLException {
        throw readOnly("refreshRow");
    }

    @Override
    public void cancelRowUpdates() throws SQLException {
        throw readOnly("cancelRowUpdates");
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        throw readOnly("moveToInsertRow");
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        throw readOnly("moveToCurrentRow");
    }
}
