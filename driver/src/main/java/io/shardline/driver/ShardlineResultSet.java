package io.shardline.driver;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;

/**
 * A physical result set that reports the Shardline statement as its owner, so the application
 * never reaches a physical statement or connection by walking back from a result.
 */
final class ShardlineResultSet extends DelegatingResultSet {

    private final ShardlineStatement owner;
    private boolean closed;

    ShardlineResultSet(ResultSet delegate, ShardlineStatement owner) {
        super(delegate);
        this.owner = owner;
    }

    @Override
    public Statement getStatement() {
        return owner;
    }

    @Override
    public void close() throws SQLException {
        if (closed) return;
        closed = true;
        delegate.close();
        owner.resultSetClosed(this);
    }

    void closeQuietly() {
        try {
            closed = true;
            delegate.close();
        } catch (SQLException ignored) {
            // closing on re-execution; the physical statement reports real failures
        }
    }

    @Override
    public boolean isClosed() throws SQLException {
        return closed || delegate.isClosed();
    }

    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        try {
            return delegate.getObject(columnIndex, type);
        } catch (SQLFeatureNotSupportedException e) {
            // in-memory key result sets (CachedRowSet) lack the typed getter
            return convert(delegate.getObject(columnIndex), type, e);
        }
    }

    @Override
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
        try {
            return delegate.getObject(columnLabel, type);
        } catch (SQLFeatureNotSupportedException e) {
            return convert(delegate.getObject(columnLabel), type, e);
        }
    }

    private static <T> T convert(Object v, Class<T> type, SQLException failure) throws SQLException {
        if (v == null) return null;
        if (type.isInstance(v)) return type.cast(v);
        if (v instanceof Number n) {
            if (type == Long.class) return type.cast(n.longValue());
            if (type == Integer.class) return type.cast(n.intValue());
            if (type == Short.class) return type.cast(n.shortValue());
            if (type == BigDecimal.class) return type.cast(new BigDecimal(n.toString()));
            if (type == java.math.BigInteger.class) return type.cast(new BigDecimal(n.toString()).toBigInteger());
            if (type == Double.class) return type.cast(n.doubleValue());
        }
        if (type == String.class) return type.cast(v.toString());
        throw failure;
    }
}
