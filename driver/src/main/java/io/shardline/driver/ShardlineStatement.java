package io.shardline.driver;

import io.shardline.replication.log.LoggedStatement;
import io.shardline.routing.shard.ShardRoute;
import io.shardline.routing.sql.StatementInfo;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A statement not bound to one node: each execution is routed by its {@link StatementInfo} and
 * runs on a physical statement of the chosen node's connection, configured with this statement's
 * settings (fetch size, max rows, timeouts...).
 */
class ShardlineStatement implements Statement {

    /** The (empty) parameters of a plain statement's one execution. */
    private static final Object[] EMPTY_VALUES = new Object[0];
    private static final int[] EMPTY_TYPES = new int[0];
    private static final List<Object[]> NO_PARAMS = List.<Object[]>of(EMPTY_VALUES);
    private static final List<int[]> NO_TYPES = List.of(new int[0]);

    final ShardlineConnection connection;
    final int resultSetType;
    final int resultSetConcurrency;
    final int resultSetHoldability;

    int maxRows;
    long largeMaxRows;
    int fetchSize;
    int fetchDirection = ResultSet.FETCH_FORWARD;
    int queryTimeout;
    int maxFieldSize;
    boolean escapeProcessing = true;
    boolean poolable;
    boolean closeOnCompletion;
    String cursorName;
    private boolean closed;

    /** The physical statement of the last execution (for results, update counts, warnings). */
    Statement current;
    /** Whether {@link #current} belongs to this wrapper (plain statements) and must be closed by it. */
    boolean ownsCurrent;
    ShardlineResultSet currentResultSet;
    /** Generated keys captured for the log, handed to the application too; null if none captured. */
    ResultSet capturedKeys;
    private List<String> batch;

    ShardlineStatement(ShardlineConnection connection, int type, int concurrency, int holdability) {
        this.connection = connection;
        this.resultSetType = type;
        this.resultSetConcurrency = concurrency;
        this.resultSetHoldability = holdability;
    }

    void checkOpen() throws SQLException {
        if (closed) throw new SQLException("statement is closed", "HY010");
        connection.checkOpen();
    }

    /** Copies this statement's settings onto a physical statement. */
    void configure(Statement s) throws SQLException {
        if (maxRows != 0) s.setMaxRows(maxRows);
        if (largeMaxRows != 0) s.setLargeMaxRows(largeMaxRows);
        if (fetchSize != 0) s.setFetchSize(fetchSize);
        if (fetchDirection != ResultSet.FETCH_FORWARD) s.setFetchDirection(fetchDirection);
        if (queryTimeout != 0) s.setQueryTimeout(queryTimeout);
        if (maxFieldSize != 0) s.setMaxFieldSize(maxFieldSize);
        if (!escapeProcessing) s.setEscapeProcessing(false);
        if (cursorName != null) s.setCursorName(cursorName);
    }

    /** Forgets the previous execution's results (closing them, as JDBC requires on re-execution). */
    void resetResults() throws SQLException {
        if (currentResultSet != null) {
            currentResultSet.closeQuietly();
            currentResultSet = null;
        }
        capturedKeys = null;
        if (current != null && ownsCurrent) {
            Statement s = current;
            current = null;
            s.close();
        }
        current = null;
        scatteredCount = -1;
        if (scattered != null) {
            List<Statement> all = scattered;
            scattered = null;
            for (Statement s : all) {
                try {
                    s.close();
                } catch (SQLException ignored) {
                    // closing the statements of a finished cross-shard execution
                }
            }
        }
    }

    /**
     * Where a read runs. Returns the session of the one shard it goes to unchanged (run by the
     * caller on its cached statement), or null when it was run here, scattered and merged (the
     * statement's result set is then in place).
     */
    ShardConnection sessionForRead(StatementInfo info, String sql, Object[] values, int[] types, int count)
            throws SQLException {
        if (!connection.runtime.sharded) return connection.defaultSession();
        ShardRoute route = connection.runtime.router.route(info, values);
        if (!ShardlineConnection.direct(route, sql)) {
            ShardedExecution.query(this, info, route, values, types, count);
            return null;
        }
        return connection.session(route.shards()[0]);
    }

    /**
     * Where a write runs. Returns the session of the one shard it goes to unchanged (the common
     * case, run by the caller on its cached statement), or null when it was run here: a write
     * whose key Shardline generates first, or one that touches several shards.
     */
    ShardConnection sessionForWrite(StatementInfo info, String sql, Object[] values, int[] types, int count)
            throws SQLException {
        ShardlineRuntime rt = connection.runtime;
        if (!rt.sharded && rt.keyGenerated.isEmpty()) return connection.defaultSession();
        io.shardline.routing.Topology.TableRule keyRule = ShardedExecution.keyGeneratorFor(rt, info);
        if (keyRule != null) {
            // the key column is filled with snowflake ids first: the shard depends on them
            ShardedExecution.Generated g = ShardedExecution.generateKeys(connection, keyRule, info, values, types, count);
            ShardRoute route = rt.sharded ? rt.router.route(g.info(), g.values())
                    : new ShardRoute(new int[] {rt.defaultShard.index}, false, null, g.info().sql(), new int[0], null);
            ShardedExecution.write(this, g.info(), route, g.values(), g.types(), g.count());
            capturedKeys = ShardedExecution.keysResultSet(this, keyRule.keyGeneratorColumn(), g.keys());
            return null;
        }
        if (!rt.sharded) return connection.defaultSession();
        ShardRoute route = rt.router.route(info, values);
        if (!ShardlineConnection.direct(route, sql)) {
            ShardedExecution.write(this, info, route, values, types, count);
            return null;
        }
        return connection.session(route.shards()[0]);
    }

    /** Physical statements of a cross-shard execution (one per shard), closed with its results. */
    List<Statement> scattered;
    /** The summed update count of a cross-shard write, or -1. */
    long scatteredCount = -1;

    /** Records the physical statements and the update count of a cross-shard execution. */
    void scatteredResult(List<Statement> statements, long updateCount) {
        this.scattered = statements;
        this.scatteredCount = updateCount;
    }

    ShardlineResultSet wrap(ResultSet rs) {
        if (rs == null) return null;
        currentResultSet = new ShardlineResultSet(rs, this);
        return currentResultSet;
    }

    private Statement physical(Connection c) throws SQLException {
        Statement s = c.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability);
        configure(s);
        current = s;
        ownsCurrent = true;
        return s;
    }

    /**
     * Executes {@code sql}: routes it, runs it, records writes for the log.
     *
     * @param keys {@link Statement#RETURN_GENERATED_KEYS} or NO_GENERATED_KEYS
     * @return the JDBC {@code execute} result: true if the first result is a ResultSet
     */
    private boolean run(String sql, int keys, int[] keyIndexes, String[] keyNames) throws SQLException {
        checkOpen();
        resetResults();
        StatementInfo info = connection.analyze(sql);
        switch (info.kind()) {
            case READ, PRIMARY_READ -> {
                ShardConnection session = sessionForRead(info, sql, EMPTY_VALUES, EMPTY_TYPES, 0);
                if (session == null) return true;
                if (info.callsUnknownFunction()) {
                    return session.mayWrite(c -> executeOnPrimary(c, sql, NO_GENERATED_KEYS, null, null));
                }
                while (true) {
                    int slot = session.readSlot(info);
                    try {
                        Statement s = physical(session.connection(slot));
                        boolean r = s.execute(sql);
                        if (r) wrap(s.getResultSet());
                        session.readSucceeded(slot);
                        return r;
                    } catch (SQLException e) {
                        // a replica that fails before returning anything: eject it, read elsewhere
                        if (!session.readFailed(slot, e)) throw ShardConnection.classified(e);
                        resetResults();
                    }
                }
            }
            case DDL -> {
                return connection.executeDdl(info);
            }
            case SESSION -> {
                return connection.executeSession(sql);
            }
            case TRANSACTION -> {
                connection.executeTransactionStatement(info);
                return false;
            }
            default -> {
                return write(info, sql, keys, keyIndexes, keyNames);
            }
        }
    }

    private boolean write(StatementInfo info, String sql, int keys, int[] keyIndexes, String[] keyNames) throws SQLException {
        ShardConnection session = sessionForWrite(info, sql, EMPTY_VALUES, EMPTY_TYPES, 0);
        if (session == null) return false;
        return session.write(info, c -> executeOnPrimary(c, sql, keys, keyIndexes, keyNames));
    }

    /**
     * Runs {@code sql} on the primary connection {@code c}, exactly as written (the primary's
     * capture triggers record its effect); the work of {@link ShardConnection#write}.
     */
    private boolean executeOnPrimary(Connection c, String sql, int keys, int[] keyIndexes, String[] keyNames)
            throws SQLException {
        Statement s = physical(c);
        boolean r = keyIndexes != null ? s.execute(sql, keyIndexes)
                : keyNames != null ? s.execute(sql, keyNames) : s.execute(sql, keys);
        if (r) wrap(s.getResultSet());
        return r;
    }

    // ------------------------------------------------------------------ java.sql.Statement

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        if (!run(sql, NO_GENERATED_KEYS, null, null)) {
            throw new SQLException("statement did not return a result set: " + StatementInfo.abbreviate(sql), "02000");
        }
        return currentResultSet;
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        return executeUpdate(sql, NO_GENERATED_KEYS);
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        run(sql, autoGeneratedKeys, null, null);
        return (int) Math.max(0, updateCountOrZero());
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        run(sql, RETURN_GENERATED_KEYS, columnIndexes, null);
        return (int) Math.max(0, updateCountOrZero());
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        run(sql, RETURN_GENERATED_KEYS, null, columnNames);
        return (int) Math.max(0, updateCountOrZero());
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        run(sql, NO_GENERATED_KEYS, null, null);
        return Math.max(0, updateCountOrZero());
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        run(sql, autoGeneratedKeys, null, null);
        return Math.max(0, updateCountOrZero());
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        run(sql, RETURN_GENERATED_KEYS, columnIndexes, null);
        return Math.max(0, updateCountOrZero());
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        run(sql, RETURN_GENERATED_KEYS, null, columnNames);
        return Math.max(0, updateCountOrZero());
    }

    long updateCountOrZero() throws SQLException {
        if (scatteredCount >= 0) return scatteredCount;
        if (current == null) return 0;
        long n = current.getLargeUpdateCount();
        return n < 0 ? 0 : n;
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        return run(sql, NO_GENERATED_KEYS, null, null);
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        return run(sql, autoGeneratedKeys, null, null);
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        return run(sql, RETURN_GENERATED_KEYS, columnIndexes, null);
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        return run(sql, RETURN_GENERATED_KEYS, null, columnNames);
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        checkOpen();
        return currentResultSet;
    }

    @Override
    public int getUpdateCount() throws SQLException {
        checkOpen();
        if (currentResultSet != null) return -1;
        if (scatteredCount >= 0) return (int) scatteredCount;
        if (current == null) return -1;
        return current.getUpdateCount();
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        checkOpen();
        if (currentResultSet != null) return -1;
        if (scatteredCount >= 0) return scatteredCount;
        if (current == null) return -1;
        return current.getLargeUpdateCount();
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return getMoreResults(CLOSE_CURRENT_RESULT);
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        checkOpen();
        if (this.current == null) return false;
        if (currentResultSet != null && current != KEEP_CURRENT_RESULT) currentResultSet.closeQuietly();
        currentResultSet = null;
        boolean r = this.current.getMoreResults(current);
        if (r) wrap(this.current.getResultSet());
        return r;
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        checkOpen();
        if (capturedKeys != null) return capturedKeys;
        if (current == null) return GeneratedKeys.empty(this);
        return new ShardlineResultSet(current.getGeneratedKeys(), this);
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        checkOpen();
        if (batch == null) batch = new ArrayList<>();
        batch.add(sql);
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        if (batch != null) batch.clear();
    }

    @Override
    public int[] executeBatch() throws SQLException {
        long[] l = executeLargeBatch();
        int[] r = new int[l.length];
        for (int i = 0; i < l.length; i++) r[i] = (int) l[i];
        return r;
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        List<String> b = batch == null ? List.of() : new ArrayList<>(batch);
        if (batch != null) batch.clear();
        long[] counts = new long[b.size()];
        for (int i = 0; i < b.size(); i++) {
            try {
                run(b.get(i), NO_GENERATED_KEYS, null, null);
                counts[i] = current == null ? SUCCESS_NO_INFO : Math.max(0, current.getLargeUpdateCount());
            } catch (SQLException e) {
                long[] done = Arrays.copyOf(counts, i);
                int[] idone = new int[i];
                for (int k = 0; k < i; k++) idone[k] = (int) done[k];
                throw new BatchUpdateException(e.getMessage(), e.getSQLState(), e.getErrorCode(), idone, e);
            }
        }
        return counts;
    }

    @Override
    public Connection getConnection() throws SQLException {
        checkOpen();
        return connection;
    }

    @Override
    public void close() throws SQLException {
        if (closed) return;
        closed = true;
        try {
            resetResults();
        } finally {
            connection.unregister(this);
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void cancel() throws SQLException {
        if (current != null) current.cancel();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return current == null ? null : current.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        if (current != null) current.clearWarnings();
    }

    @Override
    public int getMaxFieldSize() throws SQLException {
        checkOpen();
        return maxFieldSize;
    }

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        checkOpen();
        if (max < 0) throw new SQLException("max field size must be >= 0", "22023");
        maxFieldSize = max;
    }

    @Override
    public int getMaxRows() throws SQLException {
        checkOpen();
        return maxRows;
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        checkOpen();
        if (max < 0) throw new SQLException("max rows must be >= 0", "22023");
        maxRows = max;
        largeMaxRows = 0;
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        checkOpen();
        return largeMaxRows != 0 ? largeMaxRows : maxRows;
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        checkOpen();
        if (max < 0) throw new SQLException("max rows must be >= 0", "22023");
        largeMaxRows = max;
        maxRows = 0;
    }

    @Override
    public void setEscapeProcessing(boolean enable) throws SQLException {
        checkOpen();
        escapeProcessing = enable;
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        checkOpen();
        return queryTimeout;
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        checkOpen();
        if (seconds < 0) throw new SQLException("query timeout must be >= 0", "22023");
        queryTimeout = seconds;
    }

    @Override
    public void setCursorName(String name) throws SQLException {
        checkOpen();
        cursorName = name;
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        fetchDirection = direction;
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return fetchDirection;
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        if (rows < 0) throw new SQLException("fetch size must be >= 0", "22023");
        fetchSize = rows;
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return fetchSize;
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        checkOpen();
        return resultSetConcurrency;
    }

    @Override
    public int getResultSetType() throws SQLException {
        checkOpen();
        return resultSetType;
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        checkOpen();
        return resultSetHoldability;
    }

    @Override
    public void setPoolable(boolean poolable) throws SQLException {
        checkOpen();
        this.poolable = poolable;
    }

    @Override
    public boolean isPoolable() throws SQLException {
        checkOpen();
        return poolable;
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        checkOpen();
        closeOnCompletion = true;
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        checkOpen();
        return closeOnCompletion;
    }

    /** Called when a result set of this statement closes. */
    void resultSetClosed(ShardlineResultSet rs) throws SQLException {
        if (rs == currentResultSet) currentResultSet = null;
        if (closeOnCompletion && rs != capturedKeys) close();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) return (T) this;
        if (current != null) {
            if (iface.isInstance(current)) return (T) current;
            return current.unwrap(iface);
        }
        throw new SQLException("not a wrapper for " + iface.getName() + " (no statement has run yet)", "HY000");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || (current != null && (iface.isInstance(current) || current.isWrapperFor(iface)));
    }
}
