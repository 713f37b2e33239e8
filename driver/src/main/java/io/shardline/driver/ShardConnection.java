package io.shardline.driver;

import io.shardline.replication.log.Dialect;
import io.shardline.replication.log.LogEntryCodec;
import io.shardline.replication.apply.LogMaintenance;
import io.shardline.replication.log.LoggedStatement;
import io.shardline.replication.apply.ReplicaApplier;
import io.shardline.replication.ReplicaState;
import io.shardline.routing.read.ReplicaBalancer;
import io.shardline.routing.read.ReplicaCandidates;
import io.shardline.routing.sql.DdlTranslation;
import io.shardline.routing.sql.StatementInfo;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One logical connection's business with one shard: at most one physical connection per node of
 * the shard (taken from the node's pool when first needed, returned when the logical connection
 * closes), the statements of the open transaction that still have to reach this shard's log, and
 * the log position of the last commit here (for read-your-writes).
 *
 * <p>Reads go to a replica when the connection is in auto-commit or read-only mode and a replica
 * qualifies ({@link ReadCandidates}); everything else goes to the primary. Writes are recorded
 * and, at commit, appended to this shard's log in the same primary transaction.
 */
final class ShardConnection {

    final ShardlineConnection owner;
    final ShardlineRuntime runtime;
    final ShardlineRuntime.Shard shard;

    private Connection primary;
    private final Connection[] replicas;
    /** The replica a read-only transaction is pinned to, or -1. */
    private int pinned = -1;
    /**
     * The open primary transaction ran a write: its changes are in the capture table and it must
     * be sealed (its commit record inserted) before it commits.
     */
    boolean dirty;
    /** Position of this connection's last commit on this shard: reads need a replica at least there. */
    long lastCommit;
    private final ReadCandidates candidates = new ReadCandidates();
    /** This connection's own balancer (a round-robin turn of its own: no counter shared per read). */
    private final ReplicaBalancer balancer;

    ShardConnection(ShardlineConnection owner, ShardlineRuntime.Shard shard) {
        this.owner = owner;
        this.runtime = owner.runtime;
        this.shard = shard;
        this.replicas = new Connection[shard.replicas.length];
        this.balancer = shard.balancer.forConnection();
    }

    // ------------------------------------------------------------------ reads

    /**
     * The replicas as this session's next read sees them. One instance per session (a connection
     * is used by one thread at a time), so choosing a replica allocates nothing.
     */
    private final class ReadCandidates implements ReplicaCandidates {
        long minPosition;
        long maxLagMillis;
        long head;

        @Override
        public int size() {
            return shard.replicas.length;
        }

        @Override
        public boolean eligible(int i) {
            ShardlineRuntime.Node n = shard.replicas[i];
            if (n.foreignEngine) return false; // the application's SQL is the primary's dialect
            ReplicaApplier a = n.applier;
            ReplicaState s = a.state();
            if (s == ReplicaState.DOWN || s == ReplicaState.BROKEN || s == ReplicaState.STOPPED) return false;
            long ejectedUntil = n.ejectedUntilNanos;
            // nanoTime only when this replica was ever ejected: the common read pays nothing for it
            if (ejectedUntil != 0 && ejectedUntil - System.nanoTime() > 0) return false;
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

    /**
     * The log position a replica must have applied to serve this connection's reads: the last DDL,
     * and for read-your-writes this connection's last commit, the instance's last commit on this
     * shard ({@code reads.scope: instance}) and what the thread's session scope names.
     */
    private long minimumPosition() {
        long ddl = shard.ddlBarrier;
        if (runtime.eventualReads) return ddl;
        long min = Math.max(lastCommit, ddl);
        if (runtime.instanceScope) min = Math.max(min, shard.lastCommitted.get());
        return Math.max(min, CausalScope.required(shard.name));
    }

    private int chooseReplica() {
        ReadCandidates c = candidates;
        c.minPosition = minimumPosition();
        c.maxLagMillis = runtime.maxLagMillis;
        c.head = shard.head();
        return balancer.choose(c);
    }

    /** The connection a query with this analysis runs on. */
    Connection readConnection(StatementInfo info) throws SQLException {
        owner.checkOpen();
        return connection(readSlot(info));
    }

    /**
     * The slot of the connection a query with this analysis runs on: 0 for the primary, 1 + i for
     * replica i; the connection is then {@link #connection(int)} (taken from its pool here if this
     * session held none yet). The caller has checked that the logical connection is open.
     */
    int readSlot(StatementInfo info) throws SQLException {
        boolean autoCommit = owner.autoCommit;
        boolean readOnly = owner.readOnly;
        if (info.kind() == StatementInfo.Kind.READ && !info.forcePrimary() && (autoCommit || readOnly)
                && !runtime.primaryReads) {
            if (readOnly && !autoCommit) {
                if (pinned < 0) pinned = chooseReplica();
                if (pinned >= 0) {
                    if (replica(pinned) != null) return 1 + pinned;
                    pinned = -1;
                }
            } else {
                for (int attempt = 0; attempt < shard.replicas.length; attempt++) {
                    int i = chooseReplica();
                    if (i < 0) break;
                    if (replica(i) != null) return 1 + i;
                    shard.replicas[i].eject(runtime.ejectInitialMillis, runtime.ejectMaxMillis);
                }
            }
            if (!runtime.topology.reads().fallbackToPrimary() && shard.replicas.length > 0) {
                throw new java.sql.SQLTransientConnectionException(
                        "no replica of shard '" + shard.name + "' can serve this read (down, ejected, or behind this"
                        + " connection's last commit or reads.maxLag) and reads.fallbackToPrimary is false", "08001");
            }
        }
        primary();
        return 0;
    }

    /**
     * The physical connection of {@code slot} (0 = primary, 1 + i = replica i), or null if this
     * session holds none there.
     */
    Connection connection(int slot) {
        return slot == 0 ? primary : replicas[slot - 1];
    }

    /**
     * A read failed on the connection of {@code slot}. If it is a replica and the failure is a
     * connection failure, the replica is ejected for a backoff period and its physical connection
     * dropped.
     *
     * @return true if the read may be retried elsewhere: only in auto-commit mode (outside a
     *     transaction) and only for a connection failure of a replica
     */
    boolean readFailed(int slot, SQLException e) {
        if (slot == 0 || !ReplicaApplier.isTransient(e)) return false;
        int i = slot - 1;
        Connection c = replicas[i];
        if (c == null) return false;
        shard.replicas[i].eject(runtime.ejectInitialMillis, runtime.ejectMaxMillis);
        replicas[i] = null;
        if (pinned == i) pinned = -1;
        try {
            c.close();
        } catch (SQLException ignored) {
            // it is failing already
        }
        return owner.autoCommit;
    }

    /** A read on the connection of {@code slot} succeeded: count it for the node that served it. */
    void readSucceeded(int slot) {
        if (slot == 0) {
            shard.primary.reads.increment();
            return;
        }
        ShardlineRuntime.Node n = shard.replicas[slot - 1];
        n.reads.increment();
        n.readSucceeded();
    }

    // ------------------------------------------------------------------ physical connections

    /**
     * The physical primary is in a transaction-less {@code autoCommit=false} state although the
     * logical connection is in auto-commit mode: left so by an auto-commit write (which Shardline
     * runs as a transaction, to seal it), so that the next auto-commit write needs no
     * {@code SET autocommit} round trips. Anything else that runs on the primary first puts it back
     * ({@link #primary()}).
     */
    private boolean parked;

    /** The primary physical connection, taken from its pool on first use, in the logical connection's auto-commit mode (not parked). */
    Connection primary() throws SQLException {
        Connection c = primaryForWrite();
        if (parked) {
            parked = false;
            c.setAutoCommit(true);
        }
        return c;
    }

    /** The primary physical connection, possibly {@link #parked}. */
    private Connection primaryForWrite() throws SQLException {
        owner.checkOpen();
        Connection c = primary;
        if (c == null) {
            try {
                c = shard.primary.pool.getConnection();
            } catch (SQLException e) {
                throw classified(e);
            }
            try {
                // taken parked in auto-commit mode: the primary's pool hands out connections with
                // auto-commit off, so the next auto-commit write needs no round trip to switch it
                owner.configure(c, false, false);
            } catch (SQLException e) {
                try {
                    c.close();
                } catch (SQLException s) {
                    e.addSuppressed(s);
                }
                throw classified(e); // an idle pooled connection the server has dropped
            }
            primary = c;
            parked = owner.autoCommit;
        }
        return c;
    }

    /** The primary physical connection if one is held, else null. */
    Connection primaryIfOpen() {
        return primary;
    }

    /** Physical connections this session holds to replicas (entries may be null). */
    Connection[] replicaConnections() {
        return replicas;
    }

    /** Replica {@code i}'s physical connection, or null if it cannot be had right now. */
    private Connection replica(int i) {
        Connection c = replicas[i];
        if (c == null) {
            try {
                c = shard.replicas[i].pool.getConnection();
                owner.configure(c, !(owner.readOnly && !owner.autoCommit), true);
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

    // ------------------------------------------------------------------ writes

    /** A write's work on the primary connection: runs the statement and keeps its results. */
    @FunctionalInterface
    interface PrimaryWrite<T> {
        T run(Connection primary) throws SQLException;
    }

    /**
     * The one routine every write goes through — plain, prepared, batch, call, single-shard, each
     * shard's part of a row-split or broadcast write. It checks that a write may run, takes the
     * primary connection in a transaction (in auto-commit mode Shardline opens one, so that the
     * statement's captured changes and its commit record commit together; the connection stays
     * parked in that mode between writes, which saves two round trips per write), runs the work
     * and, in auto-commit mode, seals and commits it. When the work fails, the database has undone
     * the failed statement with its captured changes; in auto-commit mode the transaction opened
     * for it is rolled back too.
     */
    <T> T write(StatementInfo info, PrimaryWrite<T> work) throws SQLException {
        owner.checkOpen();
        if (owner.readOnly) {
            throw new SQLException("cannot execute a write in a read-only connection: "
                    + StatementInfo.abbreviate(info.sql()), "25006");
        }
        if (info.commitsImplicitly() && !owner.autoCommit && dirty) commitPrimary(); // the engine would commit it unsealed
        return onPrimary(info, work);
    }

    /**
     * A read or a {@code SET} that calls a function not known to be free of side effects
     * ({@link StatementInfo#callsUnknownFunction()}): a user-defined function may write. It runs
     * as a write does — on the primary only, its transaction sealed — so that whatever the function
     * changed is captured and committed in order; also in a read-only connection (it is not a
     * replica's to run). When it changed nothing, its log entry is empty.
     */
    <T> T mayWrite(PrimaryWrite<T> work) throws SQLException {
        owner.checkOpen();
        return onPrimary(null, work);
    }

    private <T> T onPrimary(StatementInfo info, PrimaryWrite<T> work) throws SQLException {
        long fenceVersion;
        try {
            // in an open transaction, waiting could deadlock with a DDL that waits for its locks
            fenceVersion = shard.fence.enter(info, owner.autoCommit || !inTransaction());
        } catch (SchemaFence.Raced e) {
            if (!owner.autoCommit) rollbackAfter(e); // its locks may be what the DDL waits for
            throw e;
        }
        Connection c = primaryForWrite();
        if (owner.autoCommit && !parked) {
            try {
                c.setAutoCommit(false);
            } catch (SQLException e) {
                throw classified(e);
            }
            parked = true;
        }
        dirty = true;
        shard.primary.writes.increment();
        try {
            T result = work.run(c);
            shard.fence.check(info, fenceVersion);
            if (owner.autoCommit) commitPrimary();
            return result;
        } catch (SQLException e) {
            // auto-commit: the transaction opened for this write; raced: the whole transaction on
            // this shard (it may have written uncaptured rows: none of it may commit)
            if (owner.autoCommit || e instanceof SchemaFence.Raced) rollbackAfter(e);
            throw classified(e);
        }
    }

    /** Rolls back this shard's part of the transaction after {@code e}, a failure of that as suppressed by it. */
    private void rollbackAfter(SQLException e) {
        try {
            rollback();
        } catch (SQLException r) {
            e.addSuppressed(r);
        }
    }

    /**
     * {@code e} as the application and its pool expect a lost connection to look: SQLState class
     * 08 (Spring and HikariCP decide "evict / retry" on it). Drivers report some connection
     * failures otherwise (H2: 90067 "connection is broken"); those are wrapped in a class-08
     * exception that keeps the vendor code, the message and the cause. Anything else is returned
     * as it is.
     */
    static SQLException classified(SQLException e) {
        String state = e.getSQLState();
        if (state != null && state.startsWith("08")) return e;
        if (!isConnectionFailure(e)) return e;
        return e instanceof java.sql.SQLTransientException
                ? new java.sql.SQLTransientConnectionException(e.getMessage(), "08001", e.getErrorCode(), e)
                : new java.sql.SQLNonTransientConnectionException(e.getMessage(), "08006", e.getErrorCode(), e);
    }

    private static boolean isConnectionFailure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLNonTransientConnectionException || t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException s) {
                if (s.getSQLState() != null && s.getSQLState().startsWith("08")) return true;
                int code = s.getErrorCode();
                // H2: connection broken, database closed, database shutting down
                if (code == 90067 || code == 90098 || code == 90121) return true;
            }
            if (t instanceof java.net.SocketException || t instanceof java.io.EOFException
                    || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs DDL on this shard's primary and logs it as its own entry, after committing the open
     * transaction's writes (H2 and MySQL would commit them implicitly: committed here, they are
     * sealed first). Capture is then installed on tables the DDL created or reshaped. A trigger
     * definition stays on the primary: its effects are captured there like any other write, and
     * running it again on a replica would apply them twice.
     */
    boolean executeDdl(StatementInfo info) throws SQLException {
        String sql = info.sql();
        owner.checkOpen();
        if (owner.readOnly) throw new SQLException("cannot execute DDL in a read-only connection", "25006");
        Connection c = primary();
        if (!owner.autoCommit && dirty) commitPrimary();
        if (isTriggerDdl(sql)) {
            boolean result;
            try (Statement st = c.createStatement()) {
                result = st.execute(sql);
            }
            shard.primary.writes.increment();
            runtime.schemaChanged();
            return result;
        }
        refuseUntranslatable(c, sql);
        // write-ahead: the entry is in the log, marked running, before the DDL runs — a crash in
        // between leaves a running entry the appliers report, never a DDL the replicas miss
        boolean ac = c.getAutoCommit();
        long position;
        if (ac) c.setAutoCommit(false);
        try {
            position = shard.log.beginDdl(c, LogEntryCodec.encode(List.of(LoggedStatement.ddl(sql))));
        } finally {
            if (ac && !c.isClosed()) c.setAutoCommit(true);
        }
        // writes of this process to the tables it reshapes wait until their capture is reinstalled
        Set<String> reshaped = info.reshapedTables();
        if (!reshaped.isEmpty()) shard.fence.begin(reshaped);
        boolean result;
        try {
            try (Statement st = c.createStatement()) {
                result = st.execute(sql);
            } catch (SQLException e) {
                // failed on the primary: the entry becomes empty, the replicas pass over it
                try {
                    shard.log.finishDdl(c, position, false);
                } catch (SQLException f) {
                    e.addSuppressed(f);
                }
                throw e;
            }
            shard.primary.writes.increment();
            runtime.schemaChanged();
            shard.log.finishDdl(c, position, true);
            shard.capture.install(c);
        } finally {
            if (!reshaped.isEmpty()) shard.fence.end(reshaped);
        }
        if (!ac) c.commit();
        committed(position, true);
        return result;
    }

    /**
     * DDL that a replica of another engine could not take is refused before it runs on the
     * primary: run there, it would halt that replica (BROKEN) at its log entry.
     */
    private void refuseUntranslatable(Connection c, String sql) throws SQLException {
        java.util.Set<Dialect> others = shard.foreignEngines;
        if (others.isEmpty()) return;
        String defaultSchema = shard.dialect == Dialect.MYSQL ? c.getCatalog() : c.getSchema();
        for (Dialect d : others) {
            try {
                DdlTranslation.translate(sql, shard.dialect.engine(), d.engine(), defaultSchema);
            } catch (java.sql.SQLFeatureNotSupportedException e) {
                throw new java.sql.SQLFeatureNotSupportedException("shard '" + shard.name + "' has a " + d + " replica of its "
                        + shard.dialect + " primary, which cannot take this DDL: " + e.getMessage(), "0A000", e);
            }
        }
    }

    /** {@code CREATE [OR REPLACE] [DEFINER = ...] TRIGGER} or {@code DROP TRIGGER}. */
    static boolean isTriggerDdl(String sql) {
        String[] words = sql.trim().split("\\s+", 8);
        int i = 0;
        if (words.length < 2) return false;
        String first = words[i++].toUpperCase(java.util.Locale.ROOT);
        if (!first.equals("CREATE") && !first.equals("DROP")) return false;
        while (i < words.length) {
            String w = words[i++].toUpperCase(java.util.Locale.ROOT);
            if (w.equals("TRIGGER")) return true;
            if (!(w.equals("OR") || w.equals("REPLACE") || w.startsWith("DEFINER") || w.equals("=")
                    || w.startsWith("`") || w.contains("@"))) return false;
        }
        return false;
    }

    /** Runs a session statement (SET ...) on every physical connection this session holds. */
    void applySessionStatement(String sql) throws SQLException {
        for (Connection c : replicas) {
            if (c != null) {
                try (Statement st = c.createStatement()) {
                    st.execute(sql);
                }
            }
        }
    }

    /** Commits this shard's part of the transaction (with its log entry), and ends a read-only pin. */
    void commit() throws SQLException {
        try {
            commitPrimary();
        } catch (SQLException e) {
            throw classified(e);
        } finally {
            endPin(true);
        }
    }

    /** Rolls back this shard's part of the transaction. */
    void rollback() throws SQLException {
        dirty = false;
        try {
            if (primary != null) primary.rollback();
        } finally {
            endPin(false);
        }
    }

    /** True when this session has writes not yet committed, or a pinned read-only transaction. */
    boolean inTransaction() {
        return dirty || pinned >= 0;
    }

    /**
     * Commits the primary transaction; when it wrote, seals it first (its commit record, the last
     * statement before the commit, takes the log position: see {@code ReplicationLog}), so the
     * changes and their record become durable together. No lock is held across the commit.
     */
    void commitPrimary() throws SQLException {
        Connection c = primary;
        if (c == null) return;
        if (!dirty) {
            if (!c.getAutoCommit()) c.commit();
            return;
        }
        long position;
        try {
            position = shard.log.sealAndCommit(c);
        } finally {
            dirty = false; // committed or rolled back; in auto-commit mode the connection stays parked
        }
        committed(position, false);
    }

    private void committed(long position, boolean ddl) throws SQLException {
        lastCommit = position;
        shard.committed(position, ddl);
        CausalScope.committed(shard.name, position);
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

    /** Ends a read-only transaction's pin (committing or rolling back the replica's transaction). */
    void endPin(boolean commit) throws SQLException {
        if (pinned >= 0) {
            Connection c = replicas[pinned];
            pinned = -1;
            if (c != null && !c.getAutoCommit()) {
                if (commit) c.commit();
                else c.rollback();
            }
        }
        boolean wanted = owner.autoCommit || !owner.readOnly;
        for (Connection c : replicas) {
            if (c != null && c.getAutoCommit() != wanted) c.setAutoCommit(wanted);
        }
    }

    /** Applies the connection's auto-commit mode to the physical primary. */
    void autoCommitChanged(boolean autoCommit) throws SQLException {
        if (primary == null) {
            parked = false;
            return;
        }
        // the transaction is committed: in auto-commit mode the connection stays parked (auto-commit
        // off, nothing open), and leaving auto-commit mode needs no switch from parked either
        boolean physicalAutoCommit = primary.getAutoCommit();
        if (autoCommit) {
            parked = !physicalAutoCommit;
        } else {
            parked = false;
            if (physicalAutoCommit) primary.setAutoCommit(false);
        }
    }

    /** Applies the connection's read-only mode to the replica connections. */
    void readOnlyChanged(boolean readOnly) throws SQLException {
        for (Connection c : replicas) {
            if (c != null) {
                c.setReadOnly(readOnly);
                c.setAutoCommit(owner.autoCommit || !readOnly);
            }
        }
    }

    /** Every physical connection this session holds, primary first (entries may be null). */
    List<Connection> physicalConnections() {
        List<Connection> all = new ArrayList<>(1 + replicas.length);
        all.add(primary);
        for (Connection c : replicas) all.add(c);
        return all;
    }

    /** Rolls back anything open and returns every physical connection to its pool. */
    SQLException close() {
        return close(false);
    }

    /**
     * Rolls back anything open and gives every physical connection back; with {@code evict}, the
     * pools discard them instead of lending them again: they carry session state set by SQL
     * ({@code SET SCHEMA}, {@code SET @v}, {@code SET time_zone}, ...) that the pool cannot reset,
     * and the next logical connection must not inherit it.
     */
    SQLException close(boolean evict) {
        SQLException failure = null;
        dirty = false;
        if (evict) {
            // evicted while still borrowed: HikariCP closes the physical connection (which rolls back
            // whatever is open) and never lends it again; nothing to reset first
            parked = false;
            primary = evicted(shard.primary.pool, primary);
            for (int i = 0; i < replicas.length; i++) replicas[i] = evicted(shard.replicas[i].pool, replicas[i]);
            return null;
        }
        if (owner.changedHoldability()) {
            // the pool does not reset it: back to the default Shardline reports before they go
            for (Connection c : physicalConnections()) {
                try {
                    if (c != null && !c.isClosed()) c.setHoldability(java.sql.ResultSet.HOLD_CURSORS_OVER_COMMIT);
                } catch (SQLException e) {
                    if (!isConnectionFailure(e)) failure = e;
                }
            }
        }
        if (primary != null) {
            try {
                if (parked) {
                    // nothing is open (every auto-commit write committed), and auto-commit off is the
                    // primary pool's own mode: it goes back as it is, no round trip
                    parked = false;
                } else if (!primary.isClosed() && !primary.getAutoCommit()) {
                    primary.rollback();
                }
            } catch (SQLException e) {
                // a lost connection has nothing left to roll back or reset: the pool discards it
                if (!isConnectionFailure(e)) failure = e;
            }
            try {
                primary.close();
            } catch (SQLException e) {
                failure = e;
            } catch (RuntimeException e) {
                // HikariCP resetting a connection its pool already closed (the data source shut down first)
                failure = new SQLException("returning the primary connection failed: " + e, "08003", e);
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
        return failure;
    }

    private static Connection evicted(com.zaxxer.hikari.HikariDataSource pool, Connection c) {
        if (c == null) return null;
        try {
            pool.evictConnection(c);
            c.close();
        } catch (SQLException | RuntimeException e) {
            // the connection is gone either way
        }
        return null;
    }

    /** Aborts every physical connection. */
    void abort(java.util.concurrent.Executor executor) throws SQLException {
        if (primary != null) primary.abort(executor);
        for (Connection c : replicas) if (c != null) c.abort(executor);
    }
}
