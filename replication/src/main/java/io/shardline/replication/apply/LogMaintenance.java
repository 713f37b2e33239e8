package io.shardline.replication.apply;

import io.shardline.replication.ReplicationListener;
import io.shardline.replication.log.ReplicationLog;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one primary's log bounded and watched: deletes entries every replica has applied, in
 * bounded batches; reports the log's size and raises an alert when it passes a limit (a replica
 * that stays down keeps its entries alive); tells the listener when a replica falls behind.
 *
 * <p>Pruning is safe across application instances: it deletes only up to the smallest position
 * that every replica's watermark is known to have reached (each applier reads the watermark row
 * on the replica itself, and a watermark only grows). A replica whose position is not known yet
 * stops pruning altogether.
 */
public final class LogMaintenance {

    private static final Logger LOG = LoggerFactory.getLogger(LogMaintenance.class);
    /** Positions deleted per transaction: keeps each delete short on a live primary. */
    static final int PRUNE_BATCH = 1000;
    /** Batches per run, so one run never holds the maintenance thread for long. */
    private static final int MAX_BATCHES_PER_RUN = 20;

    private final String shard;
    private final DataSource primary;
    private final ReplicationLog log;
    private final List<ReplicaApplier> appliers;
    private final long alertEntries;
    private final long lagAlertMillis;
    private final ReplicationListener listener;

    private long prunedUpTo = -1;
    private volatile long head;
    private volatile long entries;
    private volatile long lastRunAtMillis;
    private volatile String lastError;
    private volatile long lastErrorAtMillis;
    private volatile boolean primaryDown;
    private boolean alerting;
    private final boolean[] lagging;
    private final java.util.concurrent.atomic.AtomicLongArray lagMillis;

    /**
     * @param alertEntries   log size (entries) above which the listener is told
     * @param lagAlertMillis lag above which the listener is told a replica is lagging
     */
    public LogMaintenance(String shard, DataSource primary, ReplicationLog log, List<ReplicaApplier> appliers,
                          long alertEntries, long lagAlertMillis, ReplicationListener listener) {
        this.shard = shard;
        this.primary = primary;
        this.log = log;
        this.appliers = List.copyOf(appliers);
        this.alertEntries = alertEntries;
        this.lagAlertMillis = lagAlertMillis;
        this.listener = listener;
        this.lagging = new boolean[appliers.size()];
        this.lagMillis = new java.util.concurrent.atomic.AtomicLongArray(appliers.size());
    }

    /**
     * How far (ms) replica {@code i} was behind at the last round: the age of the oldest entry it
     * has not applied; 0 when caught up.
     */
    public long lagMillis(int i) {
        return lagMillis.get(i);
    }

    /** The primary's log head seen by the last run. */
    public long head() {
        return head;
    }

    /** Entries in the primary's log (not yet pruned) as of the last run. */
    public long entries() {
        return entries;
    }

    /** When the last round completed (epoch ms), successfully or not; 0 before the first. */
    public long lastRunAtMillis() {
        return lastRunAtMillis;
    }

    /** The last round's error (message only), or null if it succeeded. */
    public String lastError() {
        return lastError;
    }

    /** When the last failed round happened (epoch ms), or 0. */
    public long lastErrorAtMillis() {
        return lastErrorAtMillis;
    }

    /** True if the last round could not reach the primary (a connection-type failure). */
    public boolean primaryDown() {
        return primaryDown;
    }

    /**
     * Keeps the DDL entries this process is running marked alive, so appliers can tell a long DDL
     * from one whose process died. Scheduled on its own, more often than {@link #run}: a slow round
     * of pruning (or a busy thread) must not make a live DDL look orphaned. Costs nothing (no
     * connection) while no DDL runs.
     */
    public void heartbeat() {
        if (!log.hasRunningDdl()) return;
        try (Connection c = primary.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(true);
            try {
                log.heartbeatRunningDdl(c);
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("DDL heartbeat of shard {} failed: {}", shard, e.toString());
        }
    }

    /** One round: prune, measure, alert. Errors are logged; the next round tries again. */
    public void run() {
        try (Connection c = primary.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(true);
            try {
                long h = log.head(c);
                head = h;
                // the process that applies prunes; one whose appliers only watch (a replicator
                // applies: appliers external) reads how far it got
                boolean prune = true;
                for (ReplicaApplier a : appliers) prune &= !a.isWatching();
                if (prunedUpTo < 0 || !prune) prunedUpTo = log.oldestPosition(c) - 1;
                long safe = prune ? h : prunedUpTo;
                for (ReplicaApplier a : appliers) safe = Math.min(safe, a.appliedPosition());
                for (int b = 0; b < MAX_BATCHES_PER_RUN && safe > prunedUpTo; b++) {
                    long to = Math.min(safe, prunedUpTo + PRUNE_BATCH);
                    log.prune(c, prunedUpTo, to);
                    prunedUpTo = to;
                }
                entries = Math.max(0, h - prunedUpTo);
                checkSize();
                checkLag(c, h);
            } finally {
                c.setAutoCommit(auto);
            }
            lastError = null;
            primaryDown = false;
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Log maintenance of shard {} failed: {}", shard, e.toString());
            lastError = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            lastErrorAtMillis = System.currentTimeMillis();
            primaryDown = e instanceof SQLException s && ReplicaApplier.isTransient(s);
        } finally {
            lastRunAtMillis = System.currentTimeMillis();
        }
    }

    private void checkSize() {
        if (entries > alertEntries && !alerting) {
            alerting = true;
            listener.logTooLarge(shard, entries, alertEntries);
        } else if (entries <= alertEntries / 2) {
            alerting = false;
        }
    }

    private void checkLag(Connection c, long h) throws SQLException {
        for (int i = 0; i < appliers.size(); i++) {
            ReplicaApplier a = appliers.get(i);
            long applied = a.appliedPosition();
            long behind = applied < 0 ? h : h - applied;
            long millis = behind <= 0 ? 0 : Math.max(0, System.currentTimeMillis() - log.committedAfter(c, Math.max(applied, 0)));
            lagMillis.set(i, millis);
            if (millis > lagAlertMillis && !lagging[i]) {
                lagging[i] = true;
                listener.lagging(a.name(), behind, millis);
            } else if (millis <= lagAlertMillis / 2) {
                lagging[i] = false;
            }
        }
    }
}
