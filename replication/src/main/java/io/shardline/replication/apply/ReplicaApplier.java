package io.shardline.replication.apply;

import io.shardline.replication.ReplicaState;
import io.shardline.replication.ReplicationListener;
import io.shardline.replication.log.Dialect;
import io.shardline.routing.sql.DdlTranslation;
import io.shardline.replication.log.LogEntryCodec;
import io.shardline.replication.log.RowChange;
import io.shardline.replication.log.LoggedStatement;
import io.shardline.replication.log.ReplicationLog;

import io.shardline.routing.sql.StatementAnalyzer;
import io.shardline.routing.sql.StatementInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one primary's log to one replica, in position order, exactly once.
 *
 * <p>Each round opens one replica transaction that first locks the replica's watermark row
 * ({@link ReplicationLog#lockWatermark}), then applies the entries after it and advances the
 * watermark to the last one, then commits. The entries and the watermark therefore become
 * durable together: a crash anywhere rolls both back, and the next round starts from the same
 * watermark — nothing lost, nothing doubled. The row lock makes a second applier (another
 * application instance configured with the same topology) wait and then start from the advanced
 * watermark.
 *
 * <p>DDL cannot share a transaction with the watermark (H2 and MySQL commit it implicitly), so a
 * DDL entry is applied alone: the entries before it are committed, the replica records that the
 * DDL at position N is being attempted (with this applier's random id as the attempt's owner),
 * runs it, and then advances the watermark to N unless it has already moved. If the process dies
 * after the DDL ran but before the watermark moved, the next attempt sees the earlier attempt
 * recorded and treats a failure of the repeated DDL as "already applied". Committing the marker
 * releases the watermark lock, so another instance's applier may run the same DDL in the window:
 * a failing first attempt is therefore BROKEN only if, re-read under the lock, the watermark is
 * still below N and the attempt marker still names this applier; otherwise it counts as applied
 * (watermark moved) or is decided in the next round (another owner recorded).
 *
 * <p>Failures: errors that retry can cure (connection refused, pool timeout, deadlock) mark the
 * replica {@link ReplicaState#DOWN} and are retried with exponential backoff; anything else (a
 * constraint violation, a missing table) halts the replica at that entry, {@link
 * ReplicaState#BROKEN}, until {@link #resume()}. An entry is never skipped silently.
 */
public final class ReplicaApplier implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaApplier.class);
    private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    /** The window of {@link #applyRate()}. */
    public static final int RATE_WINDOW_SECONDS = 10;

    private final String name;
    private final DataSource primary;
    private final DataSource replica;
    private final String configuredSchema;
    private final int batchSize;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final StatementAnalyzer analyzer;
    private final long applyIntervalNanos;
    private final ReplicationListener listener;
    private final Object progress = new Object();
    /** Identifies this applier's DDL attempts in the watermark row (distinct per instance and process). */
    private final String owner = UUID.randomUUID().toString();

    private volatile Thread thread;
    private volatile boolean running;
    private volatile boolean paused;
    /** Raised by the applier thread before it checks {@link #paused} and lowered after its round: see {@link #pause()}. */
    private volatile boolean inRound;
    private volatile boolean applyNow;
    private volatile boolean roundAgainSoon;
    /** A hole in the log positions was seen: look again within a millisecond. */
    private boolean holeSoon;
    private long holePosition = -1;
    private long holeSeenNanos;
    private static final long HOLE_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private RowStatements rowStatements;
    /** Lanes 1.. of a parallel round ({@link #applyRows}); lane 0 is {@link #rowStatements}. */
    private RowStatements[] laneStatements;
    private ReplicaTables tables;
    private final int applyThreads;
    private ExecutorService laneThreads;
    /** Rounds applied in more than one lane (for tests: {@link #laneRounds()}). */
    private volatile long laneRounds;
    /**
     * A round applies in lanes only with at least this many rows: below it one connection's single
     * commit is cheaper than several (an applier that keeps up applies a few entries per round).
     */
    static final int MIN_LANE_ROWS = 64;
    private boolean referentialIntegrityOff;
    private volatile long skipPosition;
    /** The position a BROKEN replica was resumed at (an operator's "it took effect" for a DDL entry whose process died). */
    private volatile long resumePosition;

    /**
     * How long a DDL entry may stay running without a heartbeat before appliers report its process
     * as dead (system property {@code shardline.replication.ddlOrphanMillis}, default 30 s; the
     * running process refreshes the heartbeat every 250 ms).
     */
    private final long ddlOrphanMillis = Long.getLong("shardline.replication.ddlOrphanMillis", 30_000L);
    private volatile ReplicaState state = ReplicaState.CATCHING_UP;
    private volatile long appliedPosition = -1;
    private volatile long appliedAtMillis;
    private volatile long primaryCommittedAtMillis;
    private volatile String lastError;
    private volatile long lastErrorAtMillis;
    private volatile long brokenPosition;
    private volatile long appliedEntries;
    /** Entries applied per second over the last {@link #RATE_WINDOW_SECONDS} s: one bucket per second. */
    private final long[] rateSecond = new long[RATE_WINDOW_SECONDS];
    private final long[] rateEntries = new long[RATE_WINDOW_SECONDS];
    private final long createdNanos = System.nanoTime();

    private ReplicationLog primaryLog;
    private ReplicationLog replicaLog;
    private String primaryCatalog;
    /** The primary's engine (the replica's own, or another: then DDL is translated and values converted). */
    private Dialect sourceDialect;
    /** A primary of another engine: its default schema, dropped from the DDL it logs. */
    private String primaryDefaultSchema;
    private String replicaCatalog;

    /**
     * Creates an applier; call {@link #start()} to run it.
     *
     * @param name the replica's data source name, used in thread names, logs and status
     */
    public ReplicaApplier(String name, DataSource primary, DataSource replica, String configuredSchema,
                          int batchSize, Duration initialBackoff, Duration maxBackoff,
                          StatementAnalyzer analyzer) {
        this(name, primary, replica, configuredSchema, batchSize, initialBackoff, maxBackoff, analyzer, Duration.ZERO,
                ReplicationListener.logging(), 1);
    }

    /**
     * Creates an applier; call {@link #start()} to run it.
     *
     * @param applyInterval {@code 0} applies continuously (woken on every commit in this process,
     *     polling for commits of other processes); a positive interval applies in scheduled
     *     batches, that long apart once caught up
     * @param listener      told about state changes and BROKEN entries
     * @param applyThreads  lanes a round may apply at once, on that many replica connections
     *     ({@code 1}: every round on one connection, in log order; see {@link Writesets})
     */
    public ReplicaApplier(String name, DataSource primary, DataSource replica, String configuredSchema,
                          int batchSize, Duration initialBackoff, Duration maxBackoff,
                          StatementAnalyzer analyzer, Duration applyInterval, ReplicationListener listener,
                          int applyThreads) {
        if (applyThreads < 1) throw new IllegalArgumentException("applyThreads must be at least 1: " + applyThreads);
        this.applyThreads = applyThreads;
        this.applyIntervalNanos = applyInterval.toNanos();
        this.listener = listener;
        this.name = name;
        this.primary = primary;
        this.replica = replica;
        this.configuredSchema = configuredSchema;
        this.batchSize = batchSize;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.analyzer = analyzer;
    }

    /** Starts the applier thread. */
    public synchronized void start() {
        if (thread != null) return;
        running = true;
        Thread t = new Thread(this::run, "shardline-applier-" + name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /**
     * Starts a thread that only watches the replica (when another process, a
     * {@code shardline replicate}, applies the log): it reads the replica's watermark every
     * {@link #WATCH_INTERVAL_NANOS} and publishes it as this applier's position, so that reads,
     * read-your-writes, lag and sync acknowledgements work as with an applier of this process.
     * States: HEALTHY while the watermark can be read, DOWN while not. Operator actions
     * ({@link #resume}, {@link #skipBrokenEntry}) belong to the process that applies.
     */
    public synchronized void startWatching() {
        if (thread != null) return;
        running = true;
        watching = true;
        Thread t = new Thread(this::watch, "shardline-watcher-" + name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** True when this applier only watches the replica ({@link #startWatching}). */
    public boolean isWatching() {
        return watching;
    }

    /** How often a watching applier reads the replica's watermark. */
    static final long WATCH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private volatile boolean watching;

    private void watch() {
        int failures = 0;
        while (running) {
            try (Connection r = replica.getConnection()) {
                if (replicaLog == null) replicaLog = ReplicationLog.forNode(r, configuredSchema);
                long w = replicaLog.watermark(r);
                long before = appliedPosition;
                publish(w, 0, before < 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(0, w - before)));
                failures = 0;
                setState(ReplicaState.HEALTHY, null);
                sleepUncut(WATCH_INTERVAL_NANOS);
            } catch (SQLException | RuntimeException e) {
                failures++;
                lastError = describe(e);
                lastErrorAtMillis = System.currentTimeMillis();
                setState(ReplicaState.DOWN, lastError);
                sleepUncut(TimeUnit.MILLISECONDS.toNanos(backoffMillis(failures)));
            }
        }
        setState(ReplicaState.STOPPED, null);
    }

    /** Sleeps {@code nanos} whatever {@link #wake} does (a commit here does not move another process's applier). */
    private void sleepUncut(long nanos) {
        long until = System.nanoTime() + nanos;
        long left;
        while (running && (left = until - System.nanoTime()) > 0) LockSupport.parkNanos(this, left);
    }

    /** Asks the applier to look at the log now (called after a commit in this process). */
    public void wake() {
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    /** The replica's name. */
    public String name() {
        return name;
    }

    /** The current state. */
    public ReplicaState state() {
        return state;
    }

    /** The last log position known to be applied on the replica; -1 before the first look. */
    public long appliedPosition() {
        return appliedPosition;
    }

    /** Wall-clock time (epoch ms) at which the primary committed the last applied entry, or 0. */
    public long appliedCommitTimeMillis() {
        return primaryCommittedAtMillis;
    }

    /** Entries applied by this applier since it started. */
    public long appliedEntries() {
        return appliedEntries;
    }

    /**
     * Entries applied per second, averaged over the last {@value #RATE_WINDOW_SECONDS} seconds (or
     * since this applier was created, if that is shorter).
     */
    public double applyRate() {
        long now = System.nanoTime();
        long sec = now / 1_000_000_000L;
        long sum = 0;
        synchronized (progress) {
            for (int i = 0; i < RATE_WINDOW_SECONDS; i++) {
                if (rateSecond[i] > sec - RATE_WINDOW_SECONDS && rateSecond[i] <= sec) sum += rateEntries[i];
            }
        }
        // the buckets cover the current (partial) second and the RATE_WINDOW_SECONDS - 1 before it
        long windowNanos = now - (sec - RATE_WINDOW_SECONDS + 1) * 1_000_000_000L;
        windowNanos = Math.max(1_000_000L, Math.min(windowNanos, now - createdNanos));
        return sum * 1e9 / windowNanos;
    }

    /** The last error (message only; never contains credentials), or null. */
    public String lastError() {
        return lastError;
    }

    /** When the last error happened (epoch ms), or 0. */
    public long lastErrorAtMillis() {
        return lastErrorAtMillis;
    }

    /** The position of the entry a BROKEN replica is halted at, or 0. */
    public long brokenPosition() {
        return brokenPosition;
    }

    /**
     * Stops applying (the watermark stays) until {@link #unpause()}. When it returns, no round is
     * in flight: nothing more is applied, not even entries committed while a round had started
     * (operators pause before maintenance on a replica; tests pause to make staleness observable).
     */
    public void pause() {
        paused = true;
        // Dekker with volatiles: the applier raises inRound before it reads paused, so either it
        // sees paused and skips the round, or this sees inRound and waits for the round to end
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (inRound && Thread.currentThread() != thread && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000L);
        }
        showPaused();
    }

    /** PAUSED is shown instead of the last state, except BROKEN and STOPPED (they say more). */
    private synchronized void showPaused() {
        ReplicaState s = state;
        if (paused && !watching && s != ReplicaState.BROKEN && s != ReplicaState.STOPPED) setState(ReplicaState.PAUSED, null);
    }

    /** True while {@link #pause()}d. */
    public boolean isPaused() {
        return paused;
    }

    /** Undoes {@link #pause()}. */
    public void unpause() {
        paused = false;
        synchronized (this) {
            if (state == ReplicaState.PAUSED) setState(ReplicaState.CATCHING_UP, null);
        }
        wake();
    }

    /** Lets a BROKEN replica retry the entry it halted at (after an operator fixed the cause). */
    public void resume() {
        if (state == ReplicaState.BROKEN) resumePosition = brokenPosition;
        restart();
    }

    private void restart() {
        if (state == ReplicaState.BROKEN) {
            LOG.info("Replica {}: resumed by operator at position {}", name, brokenPosition);
            setState(ReplicaState.CATCHING_UP, null);
        }
        wake();
    }

    /**
     * Operator decision: skip the entry a BROKEN replica is halted at, without applying it, and go
     * on with the next. The replica will then differ from the primary by that entry's effect; the
     * decision is logged at WARN with the position. Prefer fixing the replica and {@link #resume()}.
     *
     * @return the skipped position
     */
    public long skipBrokenEntry() {
        if (state != ReplicaState.BROKEN) throw new IllegalStateException("replica " + name + " is not BROKEN but " + state);
        long p = brokenPosition;
        skipPosition = p;
        LOG.warn("Replica {}: operator decided to SKIP log entry {} (it failed with: {}); the replica will not contain"
                + " its effect", name, p, lastError);
        restart();
        return p;
    }

    /**
     * Waits until the replica has applied {@code position}.
     *
     * @return true if it did within the timeout
     */
    public boolean awaitApplied(long position, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        synchronized (progress) {
            while (appliedPosition < position) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
            return true;
        }
    }

    private void run() {
        int failures = 0;
        while (running) {
            inRound = true;
            if (paused || state == ReplicaState.BROKEN) {
                inRound = false;
                if (paused) showPaused();
                else brokenElsewhereResolved();
                LockSupport.parkNanos(IDLE_POLL_NANOS);
                continue;
            }
            try {
                int applied;
                try {
                    applied = applyRound(batchSize);
                } finally {
                    inRound = false;
                }
                failures = 0;
                if (applied < batchSize) {
                    setState(ReplicaState.HEALTHY, null);
                    if (holeSoon) {
                        holeSoon = false;
                        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(500));
                    } else if (roundAgainSoon) {
                        roundAgainSoon = false; // a DDL left to the next round: not worth a scheduled interval
                        LockSupport.parkNanos(IDLE_POLL_NANOS);
                    } else if (applyIntervalNanos > 0) {
                        sleepScheduled();
                    } else if (applied == 0) {
                        LockSupport.parkNanos(IDLE_POLL_NANOS);
                    }
                } else {
                    setState(ReplicaState.CATCHING_UP, null);
                }
            } catch (PoisonEntryException e) {
                lastError = e.getMessage();
                lastErrorAtMillis = System.currentTimeMillis();
                brokenPosition = e.position;
                // tell the listener before the state flips, so whoever sees BROKEN also finds the event
                try {
                    listener.broken(name, e.position, e.getMessage());
                } catch (RuntimeException le) {
                    LOG.warn("ReplicationListener failed on BROKEN of {}: {}", name, le.toString());
                }
                setState(ReplicaState.BROKEN, e.getMessage());
            } catch (SQLException | RuntimeException e) {
                failures++;
                lastError = describe(e);
                lastErrorAtMillis = System.currentTimeMillis();
                // the replica answered but the primary did not: it serves reads, it just cannot apply
                setState(e instanceof PrimaryUnreachableException ? ReplicaState.CATCHING_UP : ReplicaState.DOWN, lastError);
                long backoff = backoffMillis(failures);
                if (failures > 1 && Long.bitCount(failures) == 1) {
                    LOG.warn("Replica {}: still failing ({}), retrying in {} ms (attempt {})", name, lastError, backoff, failures);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoff));
            }
        }
        setState(ReplicaState.STOPPED, null);
    }

    /** When a BROKEN replica last looked at its watermark (nanoTime). */
    private long brokenCheckedNanos;

    /**
     * A BROKEN replica looks at its watermark about once a second: if another process moved it to
     * or past the entry this one halted at — an operator resumed or skipped it there, or a resync
     * from the CLI rebuilt the replica — the halt is over here too and this applier goes on (it
     * would otherwise wait for an operator action in this very process, e.g. a replicator that an
     * operator's resync from another process never reached).
     */
    private void brokenElsewhereResolved() {
        long now = System.nanoTime();
        if (now - brokenCheckedNanos < TimeUnit.SECONDS.toNanos(1) || replicaLog == null) return;
        brokenCheckedNanos = now;
        long halted = brokenPosition;
        try (Connection r = replica.getConnection()) {
            long w = replicaLog.watermark(r);
            if (halted > 0 && w >= halted && state == ReplicaState.BROKEN) {
                LOG.info("Replica {}: its watermark ({}) passed log entry {} it halted at (resolved by another process);"
                        + " applying again", name, w, halted);
                setState(ReplicaState.CATCHING_UP, null);
                wake();
            }
        } catch (SQLException | RuntimeException e) {
            // unreachable now: it is still BROKEN here, look again later
        }
    }

    /** Waits one apply interval; only {@link #close()} or an operator action cuts it short. */
    private void sleepScheduled() {
        long until = System.nanoTime() + applyIntervalNanos;
        long left;
        while (running && !paused && (left = until - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
            if (applyNow) {
                applyNow = false;
                return;
            }
        }
    }

    /** Applies now even in scheduled mode (tests, operators). */
    public void applyNow() {
        applyNow = true;
        wake();
    }

    private long backoffMillis(int failures) {
        long base = Math.max(1, initialBackoff.toMillis());
        long max = Math.max(base, maxBackoff.toMillis());
        int shift = Math.min(failures - 1, 20);
        return Math.min(max, base << shift);
    }

    private void setState(ReplicaState s, String error) {
        // a round that ended after pause() does not hide PAUSED (BROKEN and STOPPED still show)
        if (paused && !watching && (s == ReplicaState.HEALTHY || s == ReplicaState.CATCHING_UP || s == ReplicaState.DOWN)) return;
        ReplicaState from = state;
        if (from != s) {
            state = s;
            try {
                listener.stateChanged(name, from, s, error);
            } catch (RuntimeException e) {
                LOG.warn("ReplicationListener failed on a state change of {}: {}", name, e.toString());
            }
        }
    }

    private void publish(long position, long committedAt, int entries) {
        synchronized (progress) {
            if (position > appliedPosition) {
                appliedPosition = position;
                if (committedAt > 0) primaryCommittedAtMillis = committedAt;
                appliedAtMillis = System.currentTimeMillis();
            }
            appliedEntries += entries;
            if (entries > 0) {
                long sec = System.nanoTime() / 1_000_000_000L;
                int i = (int) Math.floorMod(sec, (long) RATE_WINDOW_SECONDS);
                if (rateSecond[i] != sec) {
                    rateSecond[i] = sec;
                    rateEntries[i] = 0;
                }
                rateEntries[i] += entries;
            }
            progress.notifyAll();
        }
    }

    /**
     * The primary's connection for a round. Failing to get it (the primary is down) is not the
     * replica's failure: the replica stays readable (its reads are bounded by read-your-writes
     * and the lag limit), only its apply waits.
     */
    private Connection primaryConnection() throws SQLException {
        try {
            return primary.getConnection();
        } catch (SQLException e) {
            throw new PrimaryUnreachableException(e);
        }
    }

    private static boolean valid(Connection c) {
        try {
            return c.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    /** The primary could not be reached for a round; the replica itself answered. */
    private static final class PrimaryUnreachableException extends SQLException {
        private static final long serialVersionUID = 1L;

        PrimaryUnreachableException(SQLException cause) {
            super("the primary is unreachable: " + cause.getMessage(), cause.getSQLState(), cause.getErrorCode(), cause);
        }
    }

    /** A failure that retrying will not cure: the replica halts at {@link #position}. */
    private static final class PoisonEntryException extends Exception {
        private static final long serialVersionUID = 1L;
        final long position;

        PoisonEntryException(long position, String message, Throwable cause) {
            super(message, cause);
            this.position = position;
        }
    }

    /**
     * One round: lock the watermark, apply up to {@code limit} entries, advance, commit.
     *
     * @return the number of entries applied
     */
    int applyRound(int limit) throws SQLException, PoisonEntryException {
        try (Connection r = replica.getConnection(); Connection p = primaryConnection()) {
            if (replicaLog == null) {
                ReplicationLog rl = ReplicationLog.forNode(r, configuredSchema);
                rl.installReplica(r);
                primaryLog = ReplicationLog.forNode(p, configuredSchema);
                primaryCatalog = p.getCatalog();
                replicaCatalog = r.getCatalog();
                sourceDialect = primaryLog.dialect();
                if (sourceDialect == rl.dialect()) {
                    tables = new ReplicaTables(rl.dialect(), primaryCatalog, replicaCatalog);
                } else {
                    // another engine: the primary's default schema is the replica's (see ReplicaTables#target)
                    primaryDefaultSchema = sourceDialect == Dialect.MYSQL ? primaryCatalog : p.getSchema();
                    tables = new ReplicaTables(rl.dialect(), primaryCatalog, replicaCatalog, primaryDefaultSchema,
                            rl.dialect() == Dialect.MYSQL ? replicaCatalog : r.getSchema());
                }
                rowStatements = new RowStatements(rl.dialect(), primaryCatalog, tables);
                replicaLog = rl;
            }
            if (replicaLog.dialect() == Dialect.H2 && !referentialIntegrityOff) {
                // H2 fires the capture triggers for cascaded deletes and updates: they are in the
                // log, and a cascade on the replica would apply them from the replica's own rows
                // (which may differ from what the primary cascaded over: H2 does not lock a parent
                // row for a child's foreign key check). H2 scopes this to the database.
                try (Statement st = r.createStatement()) {
                    st.execute("SET REFERENTIAL_INTEGRITY FALSE");
                }
                referentialIntegrityOff = true;
            }
            prepareSession(r);
            r.setAutoCommit(false);
            try {
                return applyLocked(r, p, limit);
            } catch (SQLException | PoisonEntryException | RuntimeException e) {
                try {
                    r.rollback();
                } catch (SQLException suppressed) {
                    e.addSuppressed(suppressed);
                }
                if (e instanceof SQLException s && isTransient(s) && !valid(p) && valid(r)) {
                    throw new PrimaryUnreachableException(s); // the primary went away during the round
                }
                throw e;
            } finally {
                try {
                    r.setAutoCommit(true);
                } catch (SQLException ignored) {
                    // the pool discards a broken connection
                }
            }
        }
    }

    /**
     * Readies a replica connection for a round's transaction. PostgreSQL: triggers and foreign-key
     * checks off (see below). MySQL: TIMESTAMP images travel as
     * epoch seconds (FROM_UNIXTIME), read at UTC, so no DST ambiguity; with lanes, the transaction
     * runs at READ COMMITTED (for the next transaction only, the pooled session keeps its level):
     * lanes touch disjoint rows, and at REPEATABLE READ InnoDB's gap locks (a delete of an absent
     * key, an insert next to it) would still make one lane wait for another's commit, which waits
     * for all lanes.
     */
    private void prepareSession(Connection c) throws SQLException {
        if (replicaLog.dialect() == Dialect.POSTGRESQL) {
            // PostgreSQL fires row triggers for its cascades, so they are captured; the replica must
            // neither cascade again nor check foreign keys against rows still to come (as on H2)
            try (Statement st = c.createStatement()) {
                st.execute("SET session_replication_role = replica");
            }
            return;
        }
        if (replicaLog.dialect() != Dialect.MYSQL) return;
        try (Statement st = c.createStatement()) {
            st.execute("SET time_zone = '+00:00'");
            if (applyThreads > 1) st.execute("SET TRANSACTION ISOLATION LEVEL READ COMMITTED");
        }
    }

    /**
     * One round with batched upserts and deletes ({@link RowStatements#flush}); if a batch fails
     * for a reason retry will not cure, the round is rolled back and run again unbatched, which
     * applies statement by statement and so finds the entry that fails (and keeps the good prefix).
     */
    private int applyLocked(Connection r, Connection p, int limit) throws SQLException, PoisonEntryException {
        try {
            return applyLocked(r, p, limit, true);
        } catch (BatchFailed f) {
            r.rollback();
            rowStatements.discard();
            LOG.debug("Replica {}: a batch failed ({}); applying the round statement by statement", name, f.getCause().toString());
            return applyLocked(r, p, limit, false);
        }
    }

    /** A batched round failed with a non-transient error, which cannot be pinned on one entry. */
    private static final class BatchFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BatchFailed(SQLException cause) {
            super(cause);
        }
    }

    private int applyLocked(Connection r, Connection p, int limit, boolean batched) throws SQLException, PoisonEntryException {
        rowStatements.batching(batched);
        ReplicationLog.Watermark w = replicaLog.lockWatermark(r);
        if (w.position() > appliedPosition) {
            if (appliedPosition >= 0) forgetTables(); // another process applied: maybe a DDL too
            publish(w.position(), 0, 0);
        }
        List<ReplicationLog.Entry> entries = primaryLog.readAfter(p, w.position(), limit);
        if (entries.isEmpty()) {
            r.commit();
            return 0;
        }
        // apply the gapless run after the watermark; a hole ends it (resolved below, never skipped)
        long done = w.position();
        int run = 0;
        while (run < entries.size() && entries.get(run).position() == done + 1 + run) run++;
        if (run == 0) {
            r.commit();
            resolveHole(p, done + 1);
            return 0;
        }
        if (run < entries.size()) holeSoon = true;
        boolean anyChanges = false;
        for (int i = 0; i < run; i++) anyChanges |= entries.get(i).hasChanges();
        Map<Long, List<byte[]>> changes = anyChanges
                ? primaryLog.changesBetween(p, done, entries.get(run - 1).position()) : Map.of();
        if (batched) {
            int applied = applyRows(r, entries, run, changes);
            if (applied > 0) return applied;
        }
        long doneAt = 0;
        int count = 0;
        Map<String, PreparedStatement> prepared = new HashMap<>();
        try {
            for (int i = 0; i < run; i++) {
                ReplicationLog.Entry e = entries.get(i);
                if (e.isRunningDdl()) {
                    if (count > 0) break; // apply what came before; the DDL entry starts a round of its own
                    e = runningDdl(p, e);
                    if (e == null) {
                        r.commit();
                        roundAgainSoon = true;
                        return 0;
                    }
                }
                if (e.position() == skipPosition) {
                    LOG.warn("Replica {}: skipping log entry {} by operator decision", name, e.position());
                    skipPosition = 0;
                    done = e.position();
                    doneAt = e.committedAtMillis();
                    count++;
                    continue;
                }
                if (e.isDdl()) {
                    if (count > 0) break; // the DDL entry starts the next round, alone
                    List<LoggedStatement> statements;
                    try {
                        statements = LogEntryCodec.decode(e.payload());
                    } catch (IllegalArgumentException ex) {
                        throw new PoisonEntryException(e.position(), "log entry " + e.position() + " is unreadable: " + ex.getMessage(), ex);
                    }
                    closeAll(prepared);
                    forgetTables();
                    if (!applyDdl(r, e, statements, w.ddlAttempt() == e.position())) return 0;
                    publish(e.position(), e.committedAtMillis(), 1);
                    return 1;
                }
                List<byte[]> rows = e.hasChanges() ? changes.getOrDefault(e.position(), List.of()) : List.of();
                try {
                    for (byte[] row : rows) {
                        RowChange ch;
                        try {
                            ch = LogEntryCodec.decodeChange(row);
                        } catch (IllegalArgumentException ex) {
                            throw new PoisonEntryException(e.position(), "log entry " + e.position() + " has an unreadable row change: "
                                    + ex.getMessage(), ex);
                        }
                        rowStatements.on(r).apply(r, prepared, ch);
                    }
                } catch (SQLException ex) {
                    if (isTransient(ex)) throw ex;
                    if (batched) throw new BatchFailed(ex); // may be an earlier entry's batched row
                    if (count > 0) {
                        // keep the good prefix; the poison entry will be first in the next round
                        r.rollback();
                        closeAll(prepared);
                        return applyLocked(r, p, count, false);
                    }
                    throw new PoisonEntryException(e.position(), "log entry " + e.position() + " failed: " + describe(ex), ex);
                }
                done = e.position();
                doneAt = e.committedAtMillis();
                count++;
            }
            try {
                rowStatements.flush();
            } catch (SQLException ex) {
                if (isTransient(ex)) throw ex;
                throw new BatchFailed(ex);
            }
        } finally {
            rowStatements.discard();
            closeAll(prepared);
        }
        replicaLog.advanceWatermark(r, done);
        r.commit();
        publish(done, doneAt, count);
        return count;
    }

    /**
     * Applies the round's leading row entries (up to the first DDL entry, entry to skip or
     * unreadable change), their changes in an order that batches as many as it can
     * ({@link Writesets#batchOrder}: each row still sees its changes in log order). With
     * {@code applyThreads} &gt; 1 and enough rows, in lanes that touch disjoint rows
     * ({@link Writesets#lanes}): lane 0 on the round's connection {@code r}, which holds the
     * watermark lock, the others each on a replica connection of its own, all at once. Nothing
     * commits before every lane has applied; then lanes 1.. commit, and lane 0 commits last with the
     * watermark. A failure (of any lane) undoes every lane and the round is applied again in log
     * order, statement by statement ({@link BatchFailed}), which pins the failure on its entry. Only
     * a crash between the lanes' commits and the watermark's re-applies some changes in the next
     * round, which the idempotent row statements absorb; rows of tables without a primary key (whose
     * re-applied insert would add a copy) are always in lane 0.
     *
     * @return the entries applied, or 0 when the round starts with an entry this cannot apply
     */
    private int applyRows(Connection r, List<ReplicationLog.Entry> entries, int run, Map<Long, List<byte[]>> changes)
            throws SQLException {
        List<RowChange[]> decoded = new ArrayList<>();
        int rows = 0;
        for (int i = 0; i < run; i++) {
            ReplicationLog.Entry e = entries.get(i);
            if (e.isRunningDdl() || e.isDdl() || e.position() == skipPosition) break;
            List<byte[]> raw = e.hasChanges() ? changes.getOrDefault(e.position(), List.of()) : List.of();
            RowChange[] chs = new RowChange[raw.size()];
            try {
                for (int j = 0; j < chs.length; j++) chs[j] = LogEntryCodec.decodeChange(raw.get(j));
            } catch (IllegalArgumentException ex) {
                break; // the one-connection path names the entry
            }
            decoded.add(chs);
            rows += chs.length;
        }
        if (decoded.isEmpty()) return 0;
        tables.on(r);
        int[] laneOf = applyThreads > 1 && decoded.size() >= 2 && rows >= MIN_LANE_ROWS
                ? Writesets.lanes(decoded, applyThreads, tables) : new int[decoded.size()];
        int lanes = 0;
        for (int l : laneOf) lanes = Math.max(lanes, l + 1);
        List<List<RowChange>> work = new ArrayList<>();
        for (int l = 0; l < lanes; l++) work.add(new ArrayList<>());
        for (int i = 0; i < laneOf.length; i++) java.util.Collections.addAll(work.get(laneOf[i]), decoded.get(i));
        // ordered here, on this thread: the table facts are read through r
        try {
            rowStatements.on(r);
            for (int l = 0; l < lanes; l++) work.set(l, inBatchOrder(work.get(l)));
        } catch (RowStatements.UnknownTable e) {
            throw new BatchFailed(e.sqlException()); // the one-connection path names the entry
        }
        if (lanes > 1 && laneThreads == null) {
            laneStatements = new RowStatements[applyThreads];
            for (int l = 1; l < applyThreads; l++) laneStatements[l] = new RowStatements(replicaLog.dialect(), primaryCatalog, tables);
            AtomicInteger seq = new AtomicInteger();
            laneThreads = Executors.newFixedThreadPool(applyThreads - 1, task -> {
                Thread t = new Thread(task, "shardline-applier-" + name + "-lane-" + seq.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        List<Future<Connection>> others = new ArrayList<>();
        for (int l = 1; l < lanes; l++) {
            int lane = l;
            others.add(laneThreads.submit(() -> applyLane(null, laneStatements[lane], work.get(lane))));
        }
        List<Connection> applied = new ArrayList<>();
        Throwable failure = null;
        try {
            applyLane(r, rowStatements, work.get(0));
        } catch (SQLException | RuntimeException e) {
            failure = e;
        }
        for (Future<Connection> f : others) {
            try {
                applied.add(f.get());
            } catch (ExecutionException e) {
                if (failure == null) failure = e.getCause();
                else failure.addSuppressed(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) failure = e;
            }
        }
        try {
            if (failure != null) {
                for (Connection c : applied) rollbackQuietly(c);
                throw new BatchFailed(failure instanceof SQLException s ? s : new SQLException(failure.toString(), failure));
            }
            // every lane applied: commit them, the watermark's lane last
            for (Connection c : applied) c.commit();
        } finally {
            for (Connection c : applied) closeLane(c);
        }
        ReplicationLog.Entry last = entries.get(decoded.size() - 1);
        replicaLog.advanceWatermark(r, last.position());
        r.commit();
        if (lanes > 1) laneRounds++;
        publish(last.position(), last.committedAtMillis(), decoded.size());
        return decoded.size();
    }

    private List<RowChange> inBatchOrder(List<RowChange> changes) {
        int[] order = Writesets.batchOrder(changes, tables, rowStatements::sql);
        List<RowChange> out = new ArrayList<>(order.length);
        for (int i : order) out.add(changes.get(i));
        return out;
    }

    /**
     * Applies one lane's changes in order: on {@code r} (lane 0, in the round's transaction), or
     * on a connection of its own, which is returned with its transaction open (the caller commits
     * or rolls it back and closes it).
     */
    private Connection applyLane(Connection r, RowStatements statements, List<RowChange> lane) throws SQLException {
        Connection c = r != null ? r : replica.getConnection();
        Map<String, PreparedStatement> prepared = new HashMap<>();
        try {
            if (r == null) {
                prepareSession(c);
                c.setAutoCommit(false);
            }
            statements.batching(true);
            statements.on(c);
            for (RowChange ch : lane) statements.apply(c, prepared, ch);
            statements.flush();
            return c;
        } catch (SQLException | RuntimeException e) {
            if (r == null) {
                rollbackQuietly(c);
                closeLane(c);
            }
            throw e;
        } finally {
            statements.discard();
            closeAll(prepared);
        }
    }

    /** The replica's schema may have changed: what was read of its tables is read again when needed. */
    private void forgetTables() {
        tables.forget();
        rowStatements.forget();
        if (laneStatements != null) for (RowStatements s : laneStatements) if (s != null) s.forget();
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // a connection that failed: the pool discards it, the server rolls back
        }
    }

    private static void closeLane(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException ignored) {
            // discarded below by the pool if broken
        }
        try {
            c.close();
        } catch (SQLException ignored) {
            // nothing to do
        }
    }

    /** Rounds this applier applied in more than one lane since it started. */
    public long laneRounds() {
        return laneRounds;
    }

    /**
     * A DDL entry still marked running on the primary. While its process keeps its heartbeat, the
     * DDL is at work: null (look again soon; nothing after it is applied before its outcome is
     * known). Once the heartbeat is older than {@link #ddlOrphanMillis}, the process died between
     * logging the DDL and recording its outcome, and only the primary's schema tells whether the
     * statement took effect: the replica halts BROKEN, naming it. The operator's answer is recorded
     * on the primary, for every replica: {@link #resume()} = it took effect (the entry becomes a DDL
     * entry and is applied), {@link #skipBrokenEntry()} = it did not (the entry becomes empty).
     */
    private ReplicationLog.Entry runningDdl(Connection p, ReplicationLog.Entry e) throws SQLException, PoisonEntryException {
        if (e.position() == resumePosition || e.position() == skipPosition) {
            boolean applied = e.position() == resumePosition;
            resumePosition = 0;
            if (!primaryLog.finishDdl(p, e.position(), applied)) {
                // another replica's operator decision (or the late process itself) came first: follow it
                if (skipPosition == e.position()) skipPosition = 0;
                return null;
            }
            LOG.warn("Replica {}: DDL entry {} recorded as {} on the primary by operator decision", name, e.position(),
                    applied ? "applied" : "not applied");
            return new ReplicationLog.Entry(e.position(), e.committedAtMillis(), 0L, applied ? e.payload() : null);
        }
        long silentFor = System.currentTimeMillis() - e.committedAtMillis();
        if (silentFor < ddlOrphanMillis) return null;
        String ddl;
        try {
            ddl = LogEntryCodec.decode(e.payload()).get(0).sql();
        } catch (IllegalArgumentException | IndexOutOfBoundsException ex) {
            ddl = "(unreadable)";
        }
        throw new PoisonEntryException(e.position(), "DDL at log position " + e.position() + " was started on the primary by a"
                + " process that stopped before it recorded the outcome (no heartbeat for " + silentFor / 1000 + " s); whether it"
                + " took effect only the primary's schema tells: " + StatementInfo.abbreviate(ddl) + " — if it did, resume the replica (the"
                + " DDL is applied on every replica); if not, skip the entry (no replica applies it)", null);
    }

    /**
     * The position after the watermark has no committed record while a later one does: a writer
     * between its seal and its commit, or one that rolled back after sealing. A hole seen for the
     * first time is only noted (it usually closes within a round trip); one still there after
     * {@link #HOLE_GRACE_NANOS} is claimed: the claim waits for the writer, then either the record
     * is there (next round applies it) or the hole is filled with an empty record for good.
     */
    private void resolveHole(Connection p, long position) throws SQLException, PoisonEntryException {
        holeSoon = true;
        long now = System.nanoTime();
        if (holePosition != position) {
            holePosition = position;
            holeSeenNanos = now;
            return;
        }
        if (now - holeSeenNanos < HOLE_GRACE_NANOS) return;
        if (position <= primaryLog.prunedUpTo(p)) {
            throw new PoisonEntryException(position, "log entry " + position + " was pruned from the primary's log before"
                    + " this replica applied it: this replica needs a resync", null);
        }
        boolean filled = primaryLog.claim(p, position);
        if (filled) LOG.debug("Replica {}: log position {} was never committed (a rolled-back writer); filled", name, position);
        holePosition = -1;
    }

    /**
     * Applies the DDL entry {@code e} alone (the caller holds the watermark lock at {@code e - 1}).
     *
     * @param retried the locked watermark row already showed an attempt at this position (a crash
     *     between the DDL and the watermark, or another instance's applier still at work)
     * @return false if the outcome is left to the next round (the entry was not applied by this call)
     */
    private boolean applyDdl(Connection r, ReplicationLog.Entry e, List<LoggedStatement> statements, boolean retried)
            throws SQLException, PoisonEntryException {
        long n = e.position();
        replicaLog.markDdlAttempt(r, n, owner);
        r.commit(); // DDL commits implicitly anyway; make the attempt marker durable first
        // the commit released the watermark lock: from here on another instance's applier may lock
        // it, see this attempt, and run the same DDL (before, during or after ours)
        List<String> ddl = new ArrayList<>();
        for (LoggedStatement st : statements) {
            if (sourceDialect == replicaLog.dialect()) {
                ddl.add(localize(st.sql()));
                continue;
            }
            try {
                ddl.addAll(DdlTranslation.translate(st.sql(), sourceDialect.engine(), replicaLog.dialect().engine(), primaryDefaultSchema));
            } catch (java.sql.SQLFeatureNotSupportedException ex) {
                // the primary refuses such DDL while this replica is in its topology: logged by a
                // process that did not know this replica, or by an older Shardline
                r.rollback();
                throw new PoisonEntryException(n, "DDL at log position " + n + " cannot be applied on this " + replicaLog.dialect()
                        + " replica of a " + sourceDialect + " primary: " + ex.getMessage(), ex);
            }
        }
        for (String sql : ddl) {
            try (Statement s = r.createStatement()) {
                s.execute(sql);
            } catch (SQLException ex) {
                if (isTransient(ex)) throw ex;
                if (retried) {
                    LOG.warn("Replica {}: DDL at position {} failed on a repeated attempt ({}); an earlier attempt ran it"
                            + " before the watermark could move, so it counts as applied", name, n, describe(ex));
                    continue;
                }
                // our first attempt failed: a genuine failure, unless another applier ran this DDL in our window
                r.rollback();
                ReplicationLog.Watermark now = replicaLog.lockWatermark(r);
                r.commit();
                if (now.position() >= n) {
                    LOG.info("Replica {}: DDL at position {} failed ({}), but another application instance's applier"
                            + " has applied it meanwhile", name, n, describe(ex));
                    publish(now.position(), 0, 0);
                    roundAgainSoon = true;
                    return false;
                }
                if (now.ddlAttempt() == n && !owner.equals(now.ddlOwner())) {
                    // it may have run the DDL (then ours fails) or may still be about to: the next round
                    // sees the attempt marker, finds the watermark moved or repeats the DDL as a retry
                    LOG.info("Replica {}: DDL at position {} failed ({}) while another application instance's applier"
                            + " was applying it; deciding in the next round", name, n, describe(ex));
                    roundAgainSoon = true;
                    return false;
                }
                throw new PoisonEntryException(n, "DDL at log position " + n + " failed: " + describe(ex), ex);
            }
        }
        // another instance's applier may have re-run this DDL and applied entries after it
        // meanwhile; never move the watermark back
        if (replicaLog.lockWatermark(r).position() < n) replicaLog.advanceWatermark(r, n);
        r.commit();
        return true;
    }

    /** Rewrites qualifiers naming the primary's database to the replica's (MySQL nodes sharing a server). */
    private String localize(String sql) {
        if (primaryCatalog == null || replicaCatalog == null || primaryCatalog.equals(replicaCatalog)
                || replicaLog.dialect() != Dialect.MYSQL) {
            return sql;
        }
        StatementInfo info = analyzer.analyze(sql);
        // DDL is classified by keyword, without collecting qualifiers (Flyway's CREATE TABLE `db`.`flyway_schema_history`):
        // replaceQualifier is lexical and leaves the text alone when nothing names the primary's database
        if (info.kind() != StatementInfo.Kind.DDL && !info.schemaQualifiers().contains(primaryCatalog.toLowerCase(Locale.ROOT))) {
            return sql;
        }
        return info.withSchemaReplaced(primaryCatalog, replicaCatalog);
    }

    private static void closeAll(Map<String, PreparedStatement> prepared) {
        for (PreparedStatement ps : prepared.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // closing a statement of a connection that failed
            }
        }
        prepared.clear();
    }

    /** True for failures that retrying can cure: connectivity, timeouts, deadlocks. */
    public static boolean isTransient(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException s && s.getSQLState() != null) {
                String st = s.getSQLState();
                if (st.startsWith("08") || st.startsWith("40") || st.startsWith("HYT") || st.equals("57P01")) return true;
            }
            if (t instanceof java.io.IOException) return true;
        }
        return false;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof SQLException s && s.getSQLState() != null) m = m + " [SQLState " + s.getSQLState() + "]";
        // a pool timeout hides why connecting failed (refused, unknown host, login): name the root cause
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String rm = root.getMessage();
        if (root != e && rm != null && (m == null || !m.contains(rm))) m = m + "; cause: " + rm.lines().findFirst().orElse(rm);
        return m;
    }

    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ExecutorService lanes = laneThreads;
        if (lanes != null) lanes.shutdownNow();
    }
}
