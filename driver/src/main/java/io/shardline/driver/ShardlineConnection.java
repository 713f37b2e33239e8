package io.shardline.driver;

import io.shardline.driver.internal.RoutingProbe;

import io.shardline.routing.shard.ShardRoute;
import io.shardline.routing.sql.StatementInfo;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A logical connection: what the application holds. Its business with each shard lives in a
 * {@link ShardConnection} (physical connections to that shard's nodes, pending writes, last commit
 * position), created when the connection first touches the shard. The connection itself holds
 * what the application set: auto-commit, read-only, isolation, schema, session statements.
 *
 * <p>A transaction that wrote to several shards commits them one after the other in shard order,
 * each with its own log entry (see {@code docs/sharding.md} for what that means on failure).
 */
final class ShardlineConnection implements Connection, ShardlineSession, RoutingProbe {

    private static final Logger LOG = LoggerFactory.getLogger(ShardlineConnection.class);

    final ShardlineRuntime runtime;
    private final String url;
    private final ShardConnection[] sessions;
    private final List<String> sessionStatements = new ArrayList<>(0);
    private final List<ShardlineStatement> statements = new ArrayList<>();

    boolean autoCommit = true;
    boolean readOnly;
    private int isolation = -1;
    private int holdability = -1;
    /** {@link #setNetworkTimeout}, applied to every physical connection as it is taken; -1 = the driver's. */
    private int networkTimeoutMillis = -1;
    private Executor networkTimeoutExecutor;
    /**
     * Something of a physical connection was handed out (its metadata, a LOB, the connection
     * itself through {@code unwrap}) or set on it that Shardline does not re-apply (client info,
     * a type map): the physical connections stay with this logical one until it closes.
     */
    private boolean physicalHandedOut;
    /** Client info or a type map was set on the physical connection: state its pool does not reset. */
    private boolean physicalStateSet;
    private String catalog;
    private String schema;
    private boolean closed;
    private SQLWarning warnings;

    ShardlineConnection(ShardlineRuntime runtime, String url) {
        this.runtime = runtime;
        this.url = url;
        this.sessions = new ShardConnection[runtime.shards.size()];
    }

    // ------------------------------------------------------------------ routing

    StatementInfo analyze(String sql) {
        return runtime.analyzer.analyze(sql);
    }

    void checkOpen() throws SQLException {
        if (closed) throw new SQLException("connection is closed", "08003");
    }

    /** This connection's session with shard {@code index}, created on first use. */
    ShardConnection session(int index) {
        ShardConnection s = sessions[index];
        if (s == null) {
            s = new ShardConnection(this, runtime.shards.get(index));
            sessions[index] = s;
        }
        return s;
    }

    /** The session with the default shard (unsharded tables, metadata, session state). */
    ShardConnection defaultSession() {
        return session(runtime.defaultShard.index);
    }

    /**
     * True when a route sends the statement, unchanged, to exactly one shard: it then runs on that
     * shard's cached physical statement like in a one-shard topology.
     */
    static boolean direct(ShardRoute route, String sql) {
        return route.shards().length == 1 && !route.broadcast() && route.merge() == null
                && route.dropParameters().length == 0 && route.shardSql().equals(sql);
    }

    /** The sessions opened so far, in shard order (entries may be null). */
    ShardConnection[] sessions() {
        return sessions;
    }

    /** The default shard's primary physical connection (metadata, LOBs, client info). */
    Connection primary() throws SQLException {
        return defaultSession().primary();
    }

    void configure(Connection c, boolean physicalAutoCommit, boolean replica) throws SQLException {
        if (c.getAutoCommit() != physicalAutoCommit) c.setAutoCommit(physicalAutoCommit);
        if (isolation >= 0) c.setTransactionIsolation(isolation);
        if (holdability >= 0) c.setHoldability(holdability);
        if (replica && readOnly) c.setReadOnly(true);
        if (schema != null) c.setSchema(schema);
        if (networkTimeoutMillis >= 0) c.setNetworkTimeout(networkTimeoutExecutor, networkTimeoutMillis);
        if (!sessionStatements.isEmpty()) {
            try (Statement st = c.createStatement()) {
                for (String s : sessionStatements) st.execute(s);
            }
        }
    }

    /** True when this connection set a holdability, which its physical connections must not keep when they go back. */
    boolean changedHoldability() {
        return holdability >= 0 && holdability != ResultSet.HOLD_CURSORS_OVER_COMMIT;
    }

    /** Runs DDL on every shard's primary, in shard order; each logs it for its replicas. */
    boolean executeDdl(StatementInfo info) throws SQLException {
        checkOpen();
        boolean result = false;
        for (int i = 0; i < sessions.length; i++) {
            boolean r = session(i).executeDdl(info);
            if (i == 0) result = r;
        }
        return result;
    }

    /** Applies a session statement (SET ...) to every physical connection, now and later. */
    boolean executeSession(String sql) throws SQLException {
        checkOpen();
        sql = withoutCaptureToken(sql);
        if (sql == null) return false;
        java.util.regex.Matcher auto = SET_AUTOCOMMIT.matcher(sql);
        if (auto.matches()) {
            // the JDBC call, not the text: the engine would commit the open transaction unsealed,
            // and Shardline would go on believing it is in a transaction
            String v = auto.group(1).toUpperCase(java.util.Locale.ROOT);
            setAutoCommit(v.equals("TRUE") || v.equals("ON") || v.equals("1"));
            return false;
        }
        if (MENTIONS_AUTOCOMMIT.matcher(sql).find()) {
            throw new SQLFeatureNotSupportedException("SET AUTOCOMMIT together with other settings is not supported by"
                    + " Shardline: set it alone, or call Connection.setAutoCommit: " + StatementInfo.abbreviate(sql), "0A000");
        }
        if (analyze(sql).callsUnknownFunction()) {
            // SET @x = f() with a function that may write: the primary's alone (never a replica's), sealed
            String text = sql;
            return defaultSession().mayWrite(c -> {
                try (Statement st = c.createStatement()) {
                    return st.execute(text);
                }
            });
        }
        boolean r;
        try (Statement st = primary().createStatement()) {
            r = st.execute(sql);
        }
        for (ShardConnection s : sessions) {
            if (s == null) continue;
            for (Connection c : s.physicalConnections()) {
                if (c == null || c == primary()) continue;
                try (Statement st = c.createStatement()) {
                    st.execute(sql);
                }
            }
        }
        sessionStatements.add(sql);
        return r;
    }

    /** {@code SET [SESSION|LOCAL] AUTOCOMMIT [=|TO] value} and {@code SET @@[session.]autocommit = value}, alone. */
    private static final java.util.regex.Pattern SET_AUTOCOMMIT = java.util.regex.Pattern.compile(
            "\\s*SET\\s+(?:(?:SESSION|LOCAL)\\s+|@@(?:SESSION\\.|LOCAL\\.)?)?`?AUTOCOMMIT`?\\s*(?:=|TO\\b|\\s)\\s*"
                    + "'?(TRUE|FALSE|ON|OFF|1|0)'?\\s*;?\\s*", java.util.regex.Pattern.CASE_INSENSITIVE);
    private static final java.util.regex.Pattern MENTIONS_AUTOCOMMIT = java.util.regex.Pattern.compile(
            "(?:^|[\\s,.@`])AUTOCOMMIT\\b", java.util.regex.Pattern.CASE_INSENSITIVE);

    private static final java.util.regex.Pattern CAPTURE_TOKEN = java.util.regex.Pattern.compile(
            "@`?shardline_tx`?\\s*(:?=)\\s*[^,;]*,?\\s*", java.util.regex.Pattern.CASE_INSENSITIVE);

    /**
     * The statement without assignments to {@code @shardline_tx}, the MySQL capture triggers'
     * transaction token (null when nothing else is left). Tools that reset every user variable of
     * a session (Flyway on MySQL/MariaDB does, between the statements of a migration) would
     * otherwise split a transaction's captured rows from its commit record.
     */
    static String withoutCaptureToken(String sql) {
        if (sql.toLowerCase(java.util.Locale.ROOT).indexOf("shardline_tx") < 0) return sql;
        String rest = CAPTURE_TOKEN.matcher(sql).replaceAll("").trim();
        if (rest.endsWith(",")) rest = rest.substring(0, rest.length() - 1).trim();
        String upper = rest.toUpperCase(java.util.Locale.ROOT);
        return upper.equals("SET") || upper.isEmpty() ? null : rest;
    }

    /** COMMIT / ROLLBACK sent as SQL text. */
    void executeTransactionStatement(StatementInfo info) throws SQLException {
        if (info.transactionVerb() == StatementInfo.TransactionVerb.COMMIT) {
            if (!autoCommit) commit();
        } else if (info.transactionVerb() == StatementInfo.TransactionVerb.ROLLBACK
                && !info.sql().toLowerCase(java.util.Locale.ROOT).contains("savepoint")
                && !info.sql().toLowerCase(java.util.Locale.ROOT).contains(" to ")) {
            if (!autoCommit) rollback();
        } else {
            throw new SQLFeatureNotSupportedException("transaction control as SQL text is not supported by Shardline ("
                    + StatementInfo.abbreviate(info.sql()) + "): use Connection.setAutoCommit, setSavepoint, commit and rollback", "0A000");
        }
    }

    @Override
    public String sessionToken() throws SQLException {
        checkOpen();
        Map<String, Long> positions = new LinkedHashMap<>();
        for (ShardConnection s : sessions) {
            if (s != null && s.lastCommit != 0) positions.put(s.shard.name, s.lastCommit);
        }
        // no commit yet: a token that names a shard, so that it still reads as one
        return positions.isEmpty() ? runtime.defaultShard.name + ":0" : SessionToken.format(positions);
    }

    @Override
    public void resumeSession(String token) throws SQLException {
        checkOpen();
        for (Map.Entry<String, Long> e : SessionToken.parse(token).entrySet()) {
            for (ShardlineRuntime.Shard sh : runtime.shards) {
                if (sh.name.equals(e.getKey())) {
                    ShardConnection s = session(sh.index);
                    s.lastCommit = Math.max(s.lastCommit, e.getValue());
                }
            }
        }
    }

    /** Every physical connection currently held, across shards and nodes. */
    private List<Connection> physicalConnections() {
        List<Connection> all = new ArrayList<>();
        for (ShardConnection s : sessions) {
            if (s == null) continue;
            for (Connection c : s.physicalConnections()) if (c != null) all.add(c);
        }
        return all;
    }

    void register(ShardlineStatement st) {
        statements.add(st);
    }

    void unregister(ShardlineStatement st) {
        statements.remove(st);
        if (autoCommit) releaseIfIdle();
    }

    /**
     * State on the physical connections that HikariCP does not reset when they go back (it resets
     * auto-commit, read-only, isolation, network timeout, and catalog/schema only to configured
     * ones): {@code SET ...} by SQL, a schema or catalog switch, client info, a type map. Such
     * connections are not given back while idle, and are evicted at close. (A holdability is put
     * back as each physical connection goes: {@link #changedHoldability}.)
     */
    private boolean carriesSessionState() {
        return !sessionStatements.isEmpty() || schema != null || catalog != null || physicalStateSet;
    }

    /**
     * Gives the physical connections back to Shardline's pools once nothing of this connection
     * needs them: no statement is open (so no result set, no generated keys or update count left
     * to read) and no transaction is (auto-commit mode, or just after commit or rollback). The
     * next statement takes them again, set up as this connection says (auto-commit, read-only,
     * isolation, holdability, network timeout). Why: an application's own pool over Shardline
     * (Spring Boot's HikariCP) keeps its logical connections open while idle; if each kept its
     * physical connections, an outer pool larger than Shardline's would starve it. A connection
     * that carries session state the pool cannot reset ({@code SET} by SQL, a schema or catalog
     * switch) or that handed out something of a physical connection keeps them until it closes.
     */
    private void releaseIfIdle() {
        if (closed || !statements.isEmpty() || physicalHandedOut) return;
        if (carriesSessionState()) return;
        for (ShardConnection s : sessions) {
            if (s != null && s.inTransaction()) return;
        }
        for (ShardConnection s : sessions) {
            if (s == null) continue;
            SQLException e = s.close(false);
            if (e != null) LOG.debug("Returning the physical connections of an idle connection failed: {}", e.toString());
        }
    }


    // ------------------------------------------------------------------ java.sql.Connection

    @Override
    public Statement createStatement() throws SQLException {
        return createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    }

    @Override
    public Statement createStatement(int type, int concurrency) throws SQLException {
        return createStatement(type, concurrency, getHoldability());
    }

    @Override
    public Statement createStatement(int type, int concurrency, int holdability) throws SQLException {
        checkOpen();
        ShardlineStatement st = new ShardlineStatement(this, type, concurrency, holdability);
        register(st);
        return st;
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int type, int concurrency) throws SQLException {
        return prepareStatement(sql, type, concurrency, getHoldability());
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int type, int concurrency, int holdability) throws SQLException {
        checkOpen();
        ShardlinePreparedStatement ps = new ShardlinePreparedStatement(this, sql, type, concurrency, holdability);
        register(ps);
        return ps;
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        ShardlinePreparedStatement ps = (ShardlinePreparedStatement) prepareStatement(sql);
        ps.requestKeys(autoGeneratedKeys == Statement.RETURN_GENERATED_KEYS, null, null);
        return ps;
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        ShardlinePreparedStatement ps = (ShardlinePreparedStatement) prepareStatement(sql);
        ps.requestKeys(true, columnIndexes, null);
        return ps;
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        ShardlinePreparedStatement ps = (ShardlinePreparedStatement) prepareStatement(sql);
        ps.requestKeys(true, null, columnNames);
        return ps;
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        return prepareCall(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    }

    @Override
    public CallableStatement prepareCall(String sql, int type, int concurrency) throws SQLException {
        return prepareCall(sql, type, concurrency, getHoldability());
    }

    @Override
    public CallableStatement prepareCall(String sql, int type, int concurrency, int holdability) throws SQLException {
        checkOpen();
        ShardlineCallableStatement cs = new ShardlineCallableStatement(this, sql, type, concurrency, holdability);
        register(cs);
        return cs;
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return primary().nativeSQL(sql);
    }

    @Override
    public void setAutoCommit(boolean autoCommit) throws SQLException {
        checkOpen();
        if (this.autoCommit == autoCommit) return;
        if (autoCommit) commitAll(); // JDBC: switching auto-commit on commits the open transaction
        this.autoCommit = autoCommit;
        for (ShardConnection s : sessions) {
            if (s == null) continue;
            s.endPin(true);
            s.autoCommitChanged(autoCommit);
        }
        releaseIfIdle();
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return autoCommit;
    }

    @Override
    public void commit() throws SQLException {
        checkOpen();
        if (autoCommit) throw new SQLException("cannot commit when auto-commit is enabled", "25000");
        commitAll();
        releaseIfIdle();
    }

    /**
     * Commits every shard's part of the transaction in shard order. If one fails, the shards
     * before it stay committed and the ones after it are rolled back: best effort across shards,
     * as documented in docs/sharding.md.
     */
    private void commitAll() throws SQLException {
        SQLException failure = null;
        for (ShardConnection s : sessions) {
            if (s == null) continue;
            if (failure != null) {
                try {
                    s.rollback();
                } catch (SQLException e) {
                    failure.addSuppressed(e);
                }
                continue;
            }
            try {
                s.commit();
            } catch (SQLException e) {
                failure = e;
            }
        }
        if (failure != null) throw failure;
    }

    @Override
    public void rollback() throws SQLException {
        checkOpen();
        if (autoCommit) throw new SQLException("cannot roll back when auto-commit is enabled", "25000");
        SQLException failure = null;
        for (ShardConnection s : sessions) {
            if (s == null) continue;
            try {
                s.rollback();
            } catch (SQLException e) {
                if (failure == null) failure = e;
                else failure.addSuppressed(e);
            }
        }
        if (failure != null) throw failure;
        releaseIfIdle();
    }

    @Override
    public void close() throws SQLException {
        if (closed) return;
        SQLException failure = null;
        for (ShardlineStatement st : new ArrayList<>(statements)) {
            try {
                st.close();
            } catch (SQLException e) {
                failure = e;
            }
        }
        boolean carriesSessionState = carriesSessionState();
        for (int i = 0; i < sessions.length; i++) {
            if (sessions[i] != null) {
                SQLException e = sessions[i].close(carriesSessionState);
                if (e != null) failure = e;
                sessions[i] = null;
            }
        }
        closed = true;
        if (failure != null) throw failure;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        physicalHandedOut = true; // its result sets and calls use that physical connection
        return new ShardlineDatabaseMetaData(primary().getMetaData(), this, url);
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        checkOpen();
        if (this.readOnly == readOnly) return;
        if (!autoCommit) {
            for (ShardConnection s : sessions) {
                if (s != null && s.inTransaction()) {
                    throw new SQLException("cannot change read-only mode inside a transaction", "25001");
                }
            }
        }
        this.readOnly = readOnly;
        for (ShardConnection s : sessions) if (s != null) s.readOnlyChanged(readOnly);
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return readOnly;
    }

    @Override
    public void setCatalog(String catalog) throws SQLException {
        checkOpen();
        // catalogs name databases, which differ per node; only the primary's can be switched
        primary().setCatalog(catalog);
        this.catalog = catalog;
    }

    @Override
    public String getCatalog() throws SQLException {
        return catalog != null ? catalog : primary().getCatalog();
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        for (Connection c : physicalConnections()) c.setTransactionIsolation(level);
        isolation = level;
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        return isolation >= 0 ? isolation : primary().getTransactionIsolation();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        SQLWarning w = warnings;
        Connection primary = defaultSession().primaryIfOpen();
        if (primary != null) {
            SQLWarning pw = primary.getWarnings();
            if (pw != null) {
                if (w == null) w = pw;
                else w.setNextWarning(pw);
            }
        }
        return w;
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        warnings = null;
        Connection primary = defaultSession().primaryIfOpen();
        if (primary != null) primary.clearWarnings();
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return primary().getTypeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        physicalStateSet = true;
        primary().setTypeMap(map);
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        for (Connection c : physicalConnections()) c.setHoldability(holdability);
        this.holdability = holdability;
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return holdability >= 0 ? holdability : ResultSet.HOLD_CURSORS_OVER_COMMIT;
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return savepoint(null);
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        return savepoint(name);
    }

    private Savepoint savepoint(String name) throws SQLException {
        checkOpen();
        if (autoCommit) throw new SQLException("cannot set a savepoint in auto-commit mode", "3B000");
        // a savepoint on every shard this transaction has touched; shards touched later are rolled
        // back whole when the transaction returns to this savepoint
        defaultSession().primary();
        Map<Integer, ShardSavepoint> parts = new HashMap<>();
        for (ShardConnection s : sessions) {
            if (s == null || s.primaryIfOpen() == null) continue;
            Connection c = s.primaryIfOpen();
            Savepoint sp = name == null ? c.setSavepoint() : c.setSavepoint(name);
            parts.put(s.shard.index, new ShardSavepoint(sp, s.dirty));
        }
        return new ShardlineSavepoint(parts.get(runtime.defaultShard.index).physical(), parts);
    }

    /** One shard's part of a savepoint: the physical savepoint and whether the transaction had written before it. */
    record ShardSavepoint(Savepoint physical, boolean dirty) {
    }

    /** A savepoint of the logical connection: one per shard touched when it was set. */
    record ShardlineSavepoint(Savepoint main, Map<Integer, ShardSavepoint> parts) implements Savepoint {
        @Override
        public int getSavepointId() throws SQLException {
            return main.getSavepointId();
        }

        @Override
        public String getSavepointName() throws SQLException {
            return main.getSavepointName();
        }
    }

    private static ShardlineSavepoint own(Savepoint sp) throws SQLException {
        if (sp instanceof ShardlineSavepoint s) return s;
        throw new SQLException("savepoint was not created by this Shardline connection", "3B001");
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        checkOpen();
        ShardlineSavepoint sp = own(savepoint);
        for (ShardConnection s : sessions) {
            if (s == null) continue;
            ShardSavepoint part = sp.parts().get(s.shard.index);
            if (part != null) {
                s.primary().rollback(part.physical());
                // the database undid the changes after the savepoint, their captured rows with them
                s.dirty = part.dirty();
            } else if (s.primaryIfOpen() != null) {
                s.rollback(); // everything this shard did came after the savepoint
            }
        }
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        checkOpen();
        for (Map.Entry<Integer, ShardSavepoint> e : own(savepoint).parts().entrySet()) {
            ShardConnection s = sessions[e.getKey()];
            if (s != null && s.primaryIfOpen() != null) s.primaryIfOpen().releaseSavepoint(e.getValue().physical());
        }
    }

    @Override
    public Clob createClob() throws SQLException {
        physicalHandedOut = true;
        return primary().createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        physicalHandedOut = true;
        return primary().createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        physicalHandedOut = true;
        return primary().createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        physicalHandedOut = true;
        return primary().createSQLXML();
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (closed) return false;
        // an outer pool validates on every borrow: taking a physical connection just to answer
        // would pin one per idle logical connection. A logical connection holds none until it is
        // used (each statement takes a checked one from a pool that validates its own).
        Connection primary = defaultSession().primaryIfOpen();
        return primary != null ? primary.isValid(timeout) : !runtime.isClosed();
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        try {
            physicalStateSet = true;
            primary().setClientInfo(name, value);
        } catch (SQLClientInfoException e) {
            throw e;
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), Map.of(), e);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        try {
            physicalStateSet = true;
            primary().setClientInfo(properties);
        } catch (SQLClientInfoException e) {
            throw e;
        } catch (SQLException e) {
            throw new SQLClientInfoException(e.getMessage(), e.getSQLState(), Map.of(), e);
        }
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        return primary().getClientInfo(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        return primary().getClientInfo();
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        physicalHandedOut = true;
        return primary().createArrayOf(typeName, elements);
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        physicalHandedOut = true;
        return primary().createStruct(typeName, attributes);
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        checkOpen();
        for (Connection c : physicalConnections()) c.setSchema(schema);
        this.schema = schema;
    }

    @Override
    public String getSchema() throws SQLException {
        return schema != null ? schema : primary().getSchema();
    }

    @Override
    public void abort(Executor executor) throws SQLException {
        if (closed) return;
        closed = true;
        for (ShardConnection s : sessions) if (s != null) s.abort(executor);
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        if (milliseconds < 0) throw new SQLException("network timeout must not be negative", "HY024");
        // kept here and applied to each physical connection as it is taken (HikariCP sets it
        // around every validation of an outer pool's connection: that must take none)
        for (Connection c : physicalConnections()) c.setNetworkTimeout(executor, milliseconds);
        networkTimeoutMillis = milliseconds;
        networkTimeoutExecutor = executor;
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        if (networkTimeoutMillis >= 0) return networkTimeoutMillis;
        Connection p = defaultSession().primaryIfOpen();
        return p != null ? p.getNetworkTimeout() : 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) return (T) this;
        physicalHandedOut = true; // the application holds something of the physical connection now
        Connection p = primary();
        if (iface.isInstance(p)) return (T) p;
        return p.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        if (iface.isInstance(this)) return true;
        Connection p = primary();
        return iface.isInstance(p) || p.isWrapperFor(iface);
    }

    @Override
    public ReadDecision readDecision(String sql) {
        StatementInfo info = analyze(sql);
        ShardConnection session = defaultSession();
        return () -> session.readConnection(info);
    }

    @Override
    public ShardDecision shardDecision(String sql) {
        StatementInfo info = analyze(sql);
        return params -> runtime.router.route(info, params);
    }
}
