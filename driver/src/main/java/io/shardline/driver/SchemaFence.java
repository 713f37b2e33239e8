package io.shardline.driver;

import io.shardline.routing.sql.StatementInfo;

import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Keeps writes off a table while a DDL statement of this process reshapes it and its change
 * capture is reinstalled (one per shard).
 *
 * <p>Why: capture lives in triggers, and a {@code CREATE TABLE} (or a MariaDB {@code ALTER TABLE},
 * a rename) takes effect on the primary a moment before Shardline has put the matching triggers on
 * the table. A row written in that moment would be in the primary and in no log entry: a replica
 * that silently lacks it. So a write that names a table being reshaped waits until the capture is
 * in place, and a write that started just before the DDL and may have run in that moment is
 * rolled back with SQLState 40001 (a serialization failure: retry), never committed uncaptured.
 *
 * <p>Cost on the hot path: two volatile reads of {@link #version} and one of {@link #fenced} per
 * write; the sets are only looked at while a DDL runs or just ran. The protocol is a seqlock:
 * {@link #begin} publishes the tables and bumps the version <em>before</em> the DDL runs,
 * {@link #end} bumps it again once capture is installed. A write reads the version, passes the
 * fence, runs, and reads the version again: if it moved, a DDL began or ended meanwhile, and the
 * write is undone if it touched that DDL's tables.
 *
 * <p>Scope: writes made through this process. Another process writing the same table at that
 * moment is not fenced (see docs/guarantees.md).
 */
final class SchemaFence {

    /**
     * How long a write waits for a reshaping DDL of its table before it fails with 40001
     * ({@code -Dshardline.ddlFenceWaitMillis}, default 60 s). Bounded because the DDL may in turn
     * wait for locks of the waiting writer's own transaction (MariaDB waits a day for those).
     */
    static final long WAIT_MILLIS = Long.getLong("shardline.ddlFenceWaitMillis", 60_000L);
    /** DDLs remembered for the after-check; a write older than these is undone if it touched any reshaped table since. */
    private static final int HISTORY = 64;

    /** Bumped at every begin and end of a reshaping DDL. */
    private volatile long version;
    /** Tables of the DDLs running now; empty (the same instance) when none runs. */
    private volatile Set<String> fenced = Set.of();

    private final List<Set<String>> running = new ArrayList<>();
    /** history[v % HISTORY] = the tables of the DDL that moved the version to v. */
    private final Object[] history = new Object[HISTORY];

    /** A DDL that reshapes {@code tables} is about to run: fences them until {@link #end}. */
    synchronized void begin(Set<String> tables) {
        running.add(tables);
        publish(tables);
    }

    /** The DDL begun with {@code tables} ran (or failed) and capture is installed again. */
    synchronized void end(Set<String> tables) {
        running.remove(tables);
        publish(tables);
        notifyAll();
    }

    private void publish(Set<String> tables) {
        Set<String> all = new HashSet<>();
        for (Set<String> r : running) all.addAll(r);
        fenced = all.isEmpty() ? Set.of() : Set.copyOf(all);
        long v = version + 1;
        history[(int) (v % HISTORY)] = tables;
        version = v;
    }

    /**
     * Before a write: waits while a DDL reshapes a table the write may touch, and returns the
     * version to hand to {@link #check}. {@code info} null means "may touch any table" (a read
     * calling an unknown function).
     *
     * @param mayWait false when the writer's transaction already holds the primary: the DDL may be
     *                waiting for that transaction's locks, so waiting would deadlock
     */
    long enter(StatementInfo info, boolean mayWait) throws SQLException {
        long v = version;
        Set<String> f = fenced;
        if (f.isEmpty() || !touches(info, f)) return v;
        return await(info, mayWait);
    }

    private synchronized long await(StatementInfo info, boolean mayWait) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (touches(info, fenced)) {
            long left = deadline - System.nanoTime();
            if (!mayWait || left <= 0) throw raced(info, fenced, "is being changed by a DDL statement");
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.sql.SQLTransientException("interrupted while waiting for a DDL statement on "
                        + fenced + " to finish", "HY008", e);
            }
        }
        return version;
    }

    /**
     * After a write ran (before it commits): throws when a reshaping DDL of a table it may have
     * touched began or ended while it ran, since then it may have run between the DDL and its
     * capture. The caller rolls back.
     */
    void check(StatementInfo info, long entered) throws SQLException {
        long now = version;
        if (now == entered) return;
        synchronized (this) {
            now = version;
            if (now - entered >= HISTORY) throw raced(info, Set.of(StatementInfo.ALL_TABLES), "was changed by a DDL statement");
            for (long v = entered + 1; v <= now; v++) {
                @SuppressWarnings("unchecked")
                Set<String> tables = (Set<String>) history[(int) (v % HISTORY)];
                if (touches(info, tables)) throw raced(info, tables, "was changed by a DDL statement");
            }
        }
    }

    private static boolean touches(StatementInfo info, Set<String> tables) {
        if (tables.isEmpty()) return false;
        if (info == null || tables.contains(StatementInfo.ALL_TABLES)) return true;
        // what the statement may write beyond the tables it names: a procedure, a function, unread SQL
        if (info.tables().isEmpty() || info.callsUnknownFunction() || !info.parsed()) return true;
        for (String t : info.tables()) {
            if (tables.contains(t)) return true;
        }
        return false;
    }

    /** A write that met a reshaping DDL of its table: its transaction on the shard must be rolled back. */
    static final class Raced extends SQLTransactionRollbackException {
        Raced(String message) {
            super(message, "40001");
        }
    }

    private static SQLException raced(StatementInfo info, Set<String> tables, String what) {
        return new Raced("table " + (tables.contains(StatementInfo.ALL_TABLES) ? "(any)" : tables)
                + " " + what + " of this process while this statement ran; the statement and its transaction on"
                + " this shard were rolled back so that no row escapes change capture — retry it: "
                + (info == null ? "(a read calling a function)" : StatementInfo.abbreviate(info.sql())));
    }
}
