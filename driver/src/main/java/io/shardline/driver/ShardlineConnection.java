package io.shardline.driver;

import io.shardline.replication.LogEntryCodec;
import io.shardline.replication.LogMaintenance;
import io.shardline.replication.LoggedStatement;
import io.shardline.replication.ReplicaApplier;
import io.shardline.replication.ReplicaState;
import io.shardline.routing.ReplicaCandidates;
import io.shardline.routing.StatementInfo;
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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * A logical connection: what the application holds. It owns at most one physical connection per
 * node (taken from that node's pool when first needed and returned on {@link #close()}), the
 * statements of the open transaction that still have to reach the log, and the position of this
 * connection's last commit (for read-your-writes).
 *
 * <p>Where a statement goes is decided by its {@link StatementInfo} kind: reads go to a replica
 * when the connection is in auto-commit or read-only mode and a replica has applied everything
 * this connection committed; everything else goes to the primary. Writes are recorded and, at
 * commit, appended to the log in the same primary transaction.
 */
final class ShardlineConnection implements Connection, ShardlineSession {

    final ShardlineRuntime runtime;
    final ShardlineRuntime.Shard shard;
    private final String url;

    private Connection primary;
    private final Connection[] replicas;
    /** The replica a read-only transaction is pinned to, or -1. */
    private int pinned = -1;
    private final ArrayList<LoggedStatement> pending = new ArrayList<>();
    private final List<String> sessionStatements = new ArrayList<>(0);
    private final List<ShardlineStatement> statements = new ArrayList<>();

    private boolean autoCommit = true;
    private boolean readOnly;
    private int isolation = -1;
    private int holdability = -1;
    private String catalog;
    private String schema;
    private boolean closed;
    /** Position of this connection's last commit on its shard: reads need a replica at least there. */
    private long lastCommit;
    private SQLWarning warnings;

    ShardlineConnection(ShardlineRuntime runtime, String url) {
        this.runtime = runtime;
        this.shard = runtime.defaultShard;
        this.url = url;
        this.replicas = new Connection[shard.replicas.length];
    }

    // ------------------------------------------------------------------ routing

    StatementInfo analyze(String sql) {
        return runtime.analyzer.analyze(sql);
    }

    void checkOpen() throws SQLException {
        if (closed) throw new SQLException("connection is closed", "08003");
    }

    /**
     * The replicas as this connection's next read sees them. One instance per connection (a
     * connection is used by one thread at a time), so choosing a replica allocates nothing.
     */
    private final class ReadCandidates implements ReplicaCandidates {
        long minPosition;
        long maxLagMillis;
        long head;
        long now;

        @Override
        public int size() {
            return shard.replicas.length;
        }

        @Override
        public boolean eligible(int i) {
            ShardlineRuntime.Node n = shard.replicas[i];
            ReplicaApplier a = n.applier;
            ReplicaState s = a.state();
            if (s == ReplicaState.DOWN || s == ReplicaState.BROKEN || s == ReplicaState.STOPPED) return false;
            if (n.ejectedUntilNanos - now > 0) return false;
            long applied = a.appliedPosition();
            if (applied < minPosition) return false;
            // lag in time, as measured by log maintenance; a replica that has everything this
            // process committed is current whatever the last measurement said
            if (applied < head) {
                LogMaintenance m = shard.maintenance;
                if (m != null && m.lagMillis(i) > maxLagMillis) return false;
            }
            return true;
        }

        @Override
        public int weight(int i) {
            return shard.replicas[i].weight;
        }

        @Override
        public long lagEntries(int i) {
            return Math.max(0, head - shard.replicas[i].applier.appliedPosition());
        }
    }

    private final ReadCandidates candidates = new ReadCandidates();

    /** The log position a replica must have applied to serve this connection's reads. */
    private long minimumPosition() {
        long ddl = shard.ddlBarrier;
        if (runtime.eventualReads) return ddl;
        return Math.max(lastCommit, ddl);
    }

    private int chooseReplica() {
        ReadCandidates c = candidates;
        c.minPosition = minimumPosition();
        c.maxLagMillis = runtime.maxLagMillis;
        c.head = shard.head();
        c.now = System.nanoTime();
        return shard.balancer.choose(c);
    }

    /** The connection a query with this analysis runs on. */
    Connection readConnection(StatementInfo info) throws SQLException {
        checkOpen();
        if (info.kind() == StatementInfo.Kind.READ && !info.forcePrimary() && (autoCommit || readOnly)
                && !runtime.primaryReads) {
            if (readOnly && !autoCommit) {
                if (pinned < 0) pinned = chooseReplica();
                if (pinned >= 0) {
                    Connection c = replica(pinned);
                    if (c != null) return c;
                    pinned = -1;
                }
            } else {
                for (int attempt = 0; attempt < shard.replicas.length; attempt++) {
                    int i = chooseReplica();
                    if (i < 0) break;
                    Connection c = replica(i);
                    if (c != null) return c;
                    shard.replicas[i].eject(runtime.ejectInitialMillis, runtime.ejectMaxMillis);
                }
            }
            if (!runtime.topology.reads().fallbackToPrimary() && shard.replicas.length > 0) {
                throw new java.sql.SQLTransientConnectionException(
                        "no replica of shard '" + shard.name + "' can serve this read (down, ejected, or behind this"
                        + " connection's last commit or reads.maxLag) and reads.fallbackToPrimary is false", "08001");
            }
        }
        return primary();
    }

    /**
     * A read failed on {@code c}. If {@code c} is a replica and the failure is a connection
     * failure, the replica is ejected for a backoff period and its physical connection dropped.
     *
     * @return true if the read may be retried elsewhere: only in auto-commit mode (outside a
     *     transaction) and only for a connection failure of a replica
     */
    boolean readFailed(Connection c, SQLException e) {
        if (c == primary || !ReplicaApplier.isTransient(e)) return false;
        for (int i = 0; i < replicas.length; i++) {
            if (replicas[i] == c) {
                shard.replicas[i].eject(runtime.ejectInitialMillis, runtime.ejectMaxMillis);
                replicas[i] = null;
                if (pinned == i) pinned = -1;
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // it is failing already
                }
                return autoCommit;
            }
        }
        return false;
    }

    /** A read on {@code c} succeeded: count it for the node that served it. */
    void readSucceeded(Connection c) {
        if (c == primary) {
            shard.primary.reads.increment();
            return;
        }
        for (int i = 0; i < replicas.length; i++) {
            if (replicas[i] == c) {
                ShardlineRuntime.Node n = shard.replicas[i];
                n.reads.increment();
                n.readSucceeded();
                return;
            }
        }
    }

    /** The primary physical connection, taken from its pool on first use. */
    Connection primary() throws SQLException {
        checkOpen();
        Connection c = primary;
        if (c == null) {
            c = shard.primary.pool.getConnection();
            try {
                configure(c, autoCommit, false);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            primary = c;
        }
        return c;
    }

    /** The primary physical connection if one is held, else null. */
    Connection primaryIfOpen() {
        return primary;
    }

    /** Which replica {@code c} is a connection to. */
    int replicaIndexOf(Connection c) throws SQLException {
        for (int i = 0; i < replicas.length; i++) if (replicas[i] == c) return i;
        throw new SQLException("internal: connection is not one of this logical connection's", "XX000");
    }

    /** Replica {@code i}'s physical connection, or null if it cannot be had right now. */
    private Connection replica(int i) {
        Connection c = replicas[i];
        if (c == null) {
            try {
                c = shard.replicas[i].pool.getConnection();
                configure(c, !(readOnly && !autoCommit), true);
                replicas[i] = c;
            } catch (SQLException e) {
                if (c != null) {
                    try {
                        c.close();
                    } catch (SQLException ignored) {
                        // already failing
                    }
                }
                return null;
            }
        }
        return c;
    }

    private void configure(Connection c, boolean physicalAutoCommit, boolean replica) throws SQLException {
        if (c.getAutoCommit() != physicalAutoCommit) c.setAutoCommit(physicalAutoCommit);
        if (isolation >= 0) c.setTransactionIsolation(isolation);
        if (holdability >= 0) c.setHoldability(holdability);
        if (replica && readOnly) c.setReadOnly(true);
        if (schema != null) c.setSchema(schema);
        if (!sessionStatements.isEmpty()) {
            try (Statement st = c.createStatement()) {
                for (String s : sessionStatements) st.execute(s);
            }
        }
    }

    // ------------------------------------------------------------------ writes

    /**
     * Checks that a write may run and returns the primary connection, in a transaction: in
     * auto-commit mode Shardline opens one so that the statement and its log entry commit together.
     */
    Connection beginWrite(StatementInfo info) throws SQLException {
        checkOpen();
        if (readOnly) {
            throw new SQLException("cannot execute a write in a read-only connection: " + abbreviate(info.sql()), "25006");
        }
        String reason = info.nonReplayableReason();
        if (reason != null) {
            throw new SQLFeatureNotSupportedException(reason + " cannot be replicated exactly (its effect depends on rows"
                    + " it does not write, which a replica may see differently); refused: " + abbreviate(info.sql()), "0A000");
        }
        if (!info.nondeterministicFunctions().isEmpty()) {
            // replaceable calls are evaluated on the primary and bound (Determinism); the rest is refused
            String refusal = info.deterministic().refusal();
            if (refusal != null) throw Determinism.refused(refusal, info);
        }
        Connection c = primary();
        if (autoCommit) c.setAutoCommit(false);
        shard.primary.writes.increment();
        return c;
    }

    /** Records the statements a successful write produced; in auto-commit mode commits them with their log entry. */
    void endWrite(LoggedStatement st) throws SQLException {
        pending.add(st);
        if (autoCommit) commitPrimary(false);
    }

    /** Records several statements (a batch). */
    void endWrite(List<LoggedStatement> sts) throws SQLException {
        pending.addAll(sts);
        if (autoCommit) commitPrimary(false);
    }

    /**
     * A write failed on the primary. In auto-commit mode its transaction is rolled back. If the
     * statement ran but could not be captured for the log ({@code ranUnlogged}), the whole
     * transaction is rolled back: committing it would put a write on the primary that replicas
     * never see.
     */
    void failWrite(boolean ranUnlogged, SQLException cause) throws SQLException {
        if (primary == null) throw cause;
        if (autoCommit || ranUnlogged) {
            try {
                primary.rollback();
            } catch (SQLException e) {
                cause.addSuppressed(e);
            }
            pending.clear();
            if (autoCommit) restoreAutoCommit(cause);
            if (ranUnlogged && !autoCommit) {
                throw new SQLException("the transaction was rolled back: a statement ran on the primary but could not be"
                        + " recorded for replication (" + cause.getMessage() + ")", "40000", cause);
            }
        }
        throw cause;
    }

    private void restoreAutoCommit(SQLException cause) {
        try {
            primary.setAutoCommit(true);
        } catch (SQLException e) {
            if (cause != null) cause.addSuppressed(e);
        }
    }

    /** Runs DDL on the primary and logs it as its own entry, after committing any pending writes. */
    boolean executeDdl(String sql, Statement physicalOrNull) throws SQLException {
        checkOpen();
        if (readOnly) throw new SQLException("cannot execute DDL in a read-only connection", "25006");
        Connection c = primary();
        // H2 and MySQL commit the open transaction implicitly before DDL: commit it ourselves so
        // that its log entry commits with it.
        if (!autoCommit && !pending.isEmpty()) commitPrimary(false);
        boolean result;
        try (Statement st = physicalOrNull == null ? c.createStatement() : null) {
            Statement s = physicalOrNull == null ? st : physicalOrNull;
            result = s.execute(sql);
        }
        shard.primary.writes.increment();
        runtime.schemaChanged();
        boolean ac = c.getAutoCommit();
        if (ac) c.setAutoCommit(false);
        pending.add(LoggedStatement.ddl(sql));
        try {
            commitPrimary(true);
        } finally {
            if (ac && !c.isClosed()) c.setAutoCommit(true);
        }
        return result;
    }

    /** Applies a session statement (SET ...) to every physical connection, now and later. */
    boolean executeSession(String sql) throws SQLException {
        checkOpen();
        boolean r;
        try (Statement st = primary().createStatement()) {
            r = st.execute(sql);
        }
        for (Connection c : replicas) {
            if (c != null) {
                try (Statement st = c.createStatement()) {
                    st.execute(sql);
                }
            }
        }
        sessionStatements.add(sql);
        return r;
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
                    + abbreviate(info.sql()) + "): use Connection.setAutoCommit, setSavepoint, commit and rollback", "0A000");
        }
    }

    /**
     * Commits the primary transaction; when it wrote, appends its log entry first, in the same
     * transaction, so the write and its entry become durable together.
     */
    private void commitPrimary(boolean ddl) throws SQLException {
        Connection c = primary;
        if (c == null) return;
        if (pending.isEmpty()) {
            c.commit();
            return;
        }
        long position;
        try {
            byte[] payload;
            try {
                payload = LogEntryCodec.encode(pending);
            } catch (IllegalArgumentException e) {
                throw new SQLException("cannot replicate this transaction: " + e.getMessage(), "22023", e);
            }
            // Committers of this process queue here rather than on the log head's row lock: the
            // database's lock wait (H2's in particular) is far slower than a JVM lock, and the row
            // lock is held from the append to the commit either way. The row lock still orders
            // commits across application instances.
            shard.commitLock.lock();
            try {
                position = shard.log.append(c, payload);
                c.commit();
            } finally {
                shard.commitLock.unlock();
            }
        } catch (SQLException e) {
            try {
                c.rollback();
            } catch (SQLException r) {
                e.addSuppressed(r);
            }
            pending.clear();
            if (autoCommit && !ddl) restoreAutoCommit(e);
            throw e;
        }
        pending.clear();
        if (autoCommit && !ddl) c.setAutoCommit(true);
        lastCommit = position;
        shard.committed(position, ddl);
        if (runtime.topology.replication().sync()) awaitAcks(position);
    }

    /**
     * Sync mode: the commit returns once {@code ackReplicas} replicas applied it, or after
     * {@code ackTimeout}, degraded to async (counted, and the listener is told). Either way the
     * write is committed on the primary and will reach every replica.
     */
    private void awaitAcks(long position) throws SQLException {
        var rc = runtime.topology.replication();
        int required = rc.requiredAcks(shard.replicas.length);
        if (required == 0) return;
        int acked;
        try {
            acked = shard.awaitAcks(position, required, rc.ackTimeout().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.sql.SQLTransientException("interrupted while waiting for replicas to acknowledge log position "
                    + position + " (the write is committed on the primary)", "HY008", e);
        }
        if (acked < required) {
            runtime.ackTimeouts.increment();
            runtime.listener().ackTimedOut(shard.name, position, acked, required);
        }
    }

    /** This connection's last committed log position on its shard (for read-your-writes tokens). */
    long lastCommitPosition() {
        return lastCommit;
    }

    @Override
    public String sessionToken() throws SQLException {
        checkOpen();
        return shard.name + ":" + lastCommit;
    }

    @Override
    public void resumeSession(String token) throws SQLException {
        checkOpen();
        if (token == null || token.isBlank()) return;
        for (String part : token.split(",")) {
            int colon = part.lastIndexOf(':');
            if (colon <= 0) throw new SQLException("malformed Shardline session token '" + token + "'", "22023");
            long position;
            try {
                position = Long.parseLong(part.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw new SQLException("malformed Shardline session token '" + token + "'", "22023", e);
            }
            if (part.substring(0, colon).trim().equals(shard.name)) lastCommit = Math.max(lastCommit, position);
        }
    }

    void register(ShardlineStatement st) {
        statements.add(st);
    }

    void unregister(ShardlineStatement st) {
        statements.remove(st);
    }

    static String abbreviate(String sql) {
        String s = sql.strip().replaceAll("\\s+", " ");
        return s.length() <= 200 ? s : s.substring(0, 197) + "...";
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
        if (autoCommit) commit0(); // JDBC: switching auto-commit on commits the open transaction
        this.autoCommit = autoCommit;
        endPin(true);
        if (primary != null) primary.setAutoCommit(autoCommit);
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
        commit0();
    }

    private void commit0() throws SQLException {
        try {
            commitPrimary(false);
        } finally {
            endPin(true);
        }
    }

    private void endPin(boolean commit) throws SQLException {
        if (pinned >= 0) {
            Connection c = replicas[pinned];
            pinned = -1;
            if (c != null && !c.getAutoCommit()) {
                if (commit) c.commit();
                else c.rollback();
            }
        }
        for (Connection c : replicas) {
            if (c != null && c.getAutoCommit() != (autoCommit || !readOnly)) c.setAutoCommit(autoCommit || !readOnly);
        }
    }

    @Override
    public void rollback() throws SQLException {
        checkOpen();
        if (autoCommit) throw new SQLException("cannot roll back when auto-commit is enabled", "25000");
        pending.clear();
        try {
            if (primary != null) primary.rollback();
        } finally {
            endPin(false);
        }
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
        pending.clear();
        if (primary != null) {
            try {
                if (!primary.getAutoCommit()) primary.rollback();
            } catch (SQLException e) {
                failure = e;
            }
            try {
                primary.close();
            } catch (SQLException e) {
                failure = e;
            }
            primary = null;
        }
        for (int i = 0; i < replicas.length; i++) {
            if (replicas[i] != null) {
                try {
                    replicas[i].close();
                } catch (SQLException e) {
                    failure = e;
                }
                replicas[i] = null;
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
        return new ShardlineDatabaseMetaData(primary().getMetaData(), this, url);
    }

    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        checkOpen();
        if (this.readOnly == readOnly) return;
        if (!autoCommit && (!pending.isEmpty() || pinned >= 0)) {
            throw new SQLException("cannot change read-only mode inside a transaction", "25001");
        }
        this.readOnly = readOnly;
        for (Connection c : replicas) {
            if (c != null) {
                c.setReadOnly(readOnly);
                c.setAutoCommit(autoCommit || !readOnly);
            }
        }
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
        if (primary != null) primary.setTransactionIsolation(level);
        for (Connection c : replicas) if (c != null) c.setTransactionIsolation(level);
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
        if (primary != null) primary.clearWarnings();
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return primary().getTypeMap();
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        primary().setTypeMap(map);
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        if (primary != null) primary.setHoldability(holdability);
        for (Connection c : replicas) if (c != null) c.setHoldability(holdability);
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
        Connection c = primary();
        Savepoint sp = name == null ? c.setSavepoint() : c.setSavepoint(name);
        return new ShardlineSavepoint(sp, pending.size());
    }

    /** A primary savepoint plus how many statements were pending when it was set. */
    record ShardlineSavepoint(Savepoint physical, int pendingSize) implements Savepoint {
        @Override
        public int getSavepointId() throws SQLException {
            return physical.getSavepointId();
        }

        @Override
        public String getSavepointName() throws SQLException {
            return physical.getSavepointName();
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
        primary().rollback(sp.physical());
        // the statements after the savepoint are undone on the primary: they must not reach the log
        while (pending.size() > sp.pendingSize()) pending.remove(pending.size() - 1);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        checkOpen();
        primary().releaseSavepoint(own(savepoint).physical());
    }

    @Override
    public Clob createClob() throws SQLException {
        return primary().createClob();
    }

    @Override
    public Blob createBlob() throws SQLException {
        return primary().createBlob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return primary().createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return primary().createSQLXML();
    }

    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (closed) return false;
        return primary().isValid(timeout);
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        try {
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
        return primary().createArrayOf(typeName, elements);
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return primary().createStruct(typeName, attributes);
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        checkOpen();
        if (primary != null) primary.setSchema(schema);
        for (Connection c : replicas) if (c != null) c.setSchema(schema);
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
        if (primary != null) primary.abort(executor);
        for (Connection c : replicas) if (c != null) c.abort(executor);
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        primary().setNetworkTimeout(executor, milliseconds);
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        return primary().getNetworkTimeout();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) return (T) this;
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
}
