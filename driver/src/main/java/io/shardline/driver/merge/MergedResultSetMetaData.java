package io.shardline.driver.merge;

import java.sql.ResultSetMetaData;
import java.sql.SQLException;

/**
 * Metadata of a merged cross-shard result: the first shard's metadata cut to the visible columns,
 * with the type of a merged column replaced where the merge returns a different type than the
 * shard query (AVG, which the shards compute as SUM and COUNT).
 */
final class MergedResultSetMetaData implements ResultSetMetaData {

    /** The type a merged column reports instead of the shard's. */
    record Override(int sqlType, String typeName, String className, int precision, int scale, int displaySize) {
    }

    private final ResultSetMetaData shard;
    private final int visible;
    private final Override[] overrides;

    MergedResultSetMetaData(ResultSetMetaData shard, int visible, Override[] overrides) {
        this.shard = shard;
        this.visible = visible;
        this.overrides = overrides;
    }

    private int check(int column) throws SQLException {
        if (column < 1 || column > visible) {
            throw new SQLException("Invalid column index " + column + " (the result has " + visible + " columns)", "07009");
        }
        return column;
    }

    private Override override(int column) throws SQLException {
        check(column);
        return overrides == null || column > overrides.length ? null : overrides[column - 1];
    }

    @java.lang.Override
    public int getColumnCount() {
        return visible;
    }

    @java.lang.Override
    public boolean isAutoIncrement(int column) throws SQLException {
        return override(column) == null && shard.isAutoIncrement(column);
    }

    @java.lang.Override
    public boolean isCaseSensitive(int column) throws SQLException {
        return shard.isCaseSensitive(check(column));
    }

    @java.lang.Override
    public boolean isSearchable(int column) throws SQLException {
        return shard.isSearchable(check(column));
    }

    @java.lang.Override
    public boolean isCurrency(int column) throws SQLException {
        return shard.isCurrency(check(column));
    }

    @java.lang.Override
    public int isNullable(int column) throws SQLException {
        return shard.isNullable(check(column));
    }

    @java.lang.Override
    public boolean isSigned(int column) throws SQLException {
        return override(column) != null || shard.isSigned(column);
    }

    @java.lang.Override
    public int getColumnDisplaySize(int column) throws SQLException {
        Override o = override(column);
        return o != null ? o.displaySize() : shard.getColumnDisplaySize(column);
    }

    @java.lang.Override
    public String getColumnLabel(int column) throws SQLException {
        return shard.getColumnLabel(check(column));
    }

    @java.lang.Override
    public String getColumnName(int column) throws SQLException {
        return shard.getColumnName(check(column));
    }

    @java.lang.Override
    public String getSchemaName(int column) throws SQLException {
        return shard.getSchemaName(check(column));
    }

    @java.lang.Override
    public int getPrecision(int column) throws SQLException {
        Override o = override(column);
        return o != null ? o.precision() : shard.getPrecision(column);
    }

    @java.lang.Override
    public int getScale(int column) throws SQLException {
        Override o = override(column);
        return o != null ? o.scale() : shard.getScale(column);
    }

    @java.lang.Override
    public String getTableName(int column) throws SQLException {
        return shard.getTableName(check(column));
    }

    @java.lang.Override
    public String getCatalogName(int column) throws SQLException {
        return shard.getCatalogName(check(column));
    }

    @java.lang.Override
    public int getColumnType(int column) throws SQLException {
        Override o = override(column);
        return o != null ? o.sqlType() : shard.getColumnType(column);
    }

    @java.lang.Override
    public String getColumnTypeName(int column) throws SQLException {
        Override o = override(column);
        return o != null ? o.typeName() : shard.getColumnTypeName(column);
    }

    @java.lang.Override
    public boolean isReadOnly(int column) throws SQLException {
        check(column);
        return true;
    }

    @java.lang.Override
    public boolean isWritable(int column) throws SQLException {
        check(column);
        return false;
    }

    @java.lang.Override
    public boolean isDefinitelyWritable(int column) throws SQLException {
        check(column);
        return false;
    }

    @java.lang.Override
    public String getColumnClassName(int column) throws SQLException {
        Override o = override(column);
        return o != null ? o.className() : shard.getColumnClassName(column);
    }

    @java.lang.Override
    @SuppressWarnings("unchecked")
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) return (T) this;
        throw new SQLException("not a wrapper for " + iface.getName());
    }

    @java.lang.Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
