package io.shardline.replication.consistency;

import io.shardline.replication.Resync;
import io.shardline.replication.Resync.Progress;
import io.shardline.replication.Resync.Result;

import io.shardline.replication.apply.ReplicaApplier;
import io.shardline.replication.log.Dialect;
import io.shardline.replication.log.ReplicationLog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds one replica from a consistent snapshot of its primary taken at a known log position,
 * while the application keeps writing.
 *
 * <ol>
 *   <li>The replica's applier in this process is paused ({@link ReplicaApplier#pause()}).</li>
 *   <li>On the replica, one transaction is opened and the watermark row is locked
 *       ({@link ReplicationLog#lockWatermark}): an apply round still in flight finishes first,
 *       and appliers of other application instances wait on the lock until the resync
 *       commits.</li>
 *   <li>On the primary, one snapshot transaction is opened (H2: {@code SNAPSHOT} isolation —
 *       H2's {@code REPEATABLE READ} is <em>not</em> a stable snapshot across tables;
 *       MySQL/MariaDB: {@code START TRANSACTION WITH CONSISTENT SNAPSHOT} under
 *       {@code REPEATABLE READ}), and in it the gapless head {@code P}: every position up to
 *       {@code P} is committed (or a filled hole) in the snapshot, so the rows read afterwards
 *       hold the effect of every entry {@code <= P} (changes and their commit record commit
 *       together). Entries above {@code P} that the snapshot already holds are applied again
 *       after the resync, which row changes tolerate (they are idempotent).</li>
 *   <li>For each application table: all rows are deleted on the replica, and the primary's rows
 *       are copied in primary-key chunks (batched inserts). Foreign-key checks are off on the
 *       replica meanwhile (MySQL/MariaDB: session {@code FOREIGN_KEY_CHECKS=0}; H2: {@code SET
 *       REFERENTIAL_INTEGRITY FALSE}, which H2 applies to the whole replica database and which
 *       commits, so it is set before the transaction begins and reset after it ends).</li>
 *   <li>The replica's watermark is set to {@code P} in the same replica transaction, which then
 *       commits; the applier is unpaused (and a BROKEN state cleared) and continues with
 *       {@code P + 1}.</li>
 * </ol>
 *
 * <h2>Crash safety</h2>
 * The deletes, the copied rows and the new watermark commit in <em>one</em> replica transaction.
 * If the process, the replica or the network fails before that commit, the replica rolls back to
 * exactly its previous contents and watermark (which is no worse than before: re-run the resync);
 * after it, the replica holds the primary's state at {@code P} and the watermark {@code P}, so the
 * applier continues with no entry lost or applied twice. The costs of the single transaction: the
 * replica needs undo space for the whole data set, and the primary keeps one snapshot open for the
 * duration of the copy (MVCC history is retained meanwhile). Readers of the replica see the old
 * contents until the commit, then the new ones, never a half-copied table. The log must still
 * hold the entries after {@code P}; it does, because pruning never passes the watermark of a
 * replica, and this replica's watermark is at most {@code P} throughout.
 *
 * <p>Tables the replica lacks are created first, from the primary's own description of them
 * ({@link SchemaCopy}; translated for a replica of another engine); tables are matched by name. A
 * replica of another engine than the primary's gets the primary's rows by value
 * ({@link TableView#pair}): its table and columns are found by name (exactly, else without regard
 * to case), and each value is converted exactly into its column's kind
 * ({@link io.shardline.replication.apply.TargetColumn#bind}), or the resync fails.
 */
public final class ReplicaResync {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaResync.class);
    private static final int H2_SNAPSHOT = 6;

    private final String name;
    private final DataSource primary;
    private final DataSource replica;
    private final ReplicaApplier applier;
    private final String configuredSchema;
    private final int chunkSize;

    /**
     * @param applier          this process's applier of that replica (paused meanwhile), or null
     * @param configuredSchema {@code replication.schema}
     * @param chunkSize        rows per read and per insert batch
     */
    public ReplicaResync(String name, DataSource primary, DataSource replica, ReplicaApplier applier,
                         String configuredSchema, int chunkSize) {
        this.name = name;
        this.primary = primary;
        this.replica = replica;
        this.applier = applier;
        this.configuredSchema = configuredSchema;
        this.chunkSize = Math.max(1, chunkSize);
    }

    /**
     * Runs the resync.
     *
     * @param progress told after each chunk; may be null
     */
    public Result run(Consumer<Progress> progress) throws SQLException {
        Consumer<Progress> prog = progress == null ? p -> { } : progress;
        long t0 = System.nanoTime();
        if (applier != null) applier.pause();
        boolean done = false;
        try (Connection r = replica.getConnection(); Connection p = primary.getConnection()) {
            ReplicationLog rl = ReplicationLog.forNode(r, configuredSchema);
            rl.installReplica(r);
            ReplicationLog pl = ReplicationLog.forNode(p, configuredSchema);
            Dialect d = rl.dialect();
            List<TableSet.Table> tables = TableSet.list(p, pl.schema());
            foreignKeyChecks(r, d, false);
            try {
                // a new replica (an engine migration's first step) gets the tables it lacks, before the
                // transaction (DDL commits implicitly on MySQL and H2), with foreign-key checks off (MySQL:
                // a table may name one created after it)
                SchemaCopy.createMissing(name, p, pl.dialect(), r, d, tables);
                // a replica of another engine: its own tables, which the primary's are matched to
                List<TableSet.Table> foreign = pl.dialect() == d ? null : TableSet.list(r, rl.schema());
                r.setAutoCommit(false);
                long previous = rl.lockWatermark(r).position();
                openSnapshot(p, pl.dialect());
                // not the head: a position below it may belong to a writer not committed in this
                // snapshot; the entries after the gapless prefix are applied again (idempotently)
                long position = pl.contiguousHead(p);
                if (position < previous) {
                    LOG.warn("Replica {}: its watermark {} is ahead of the primary's log head {}; it is reset to {}",
                            name, previous, position, position);
                }
                LOG.info("Replica {}: resync from the primary's snapshot at log position {} (watermark was {})", name,
                        position, previous);
                long total = 0;
                int idx = 0;
                for (TableSet.Table t : tables) {
                    idx++;
                    TableView from = TableView.of(t);
                    TableView into = from;
                    if (foreign != null) {
                        TableView.Pair pair = TableView.pair(t, pl.dialect(), foreign, d, true);
                        from = pair.primary();
                        into = pair.replica();
                    }
                    total += copy(p, r, from, into, idx, tables.size(), prog);
                }
                rl.advanceWatermark(r, position);
                r.commit();
                p.commit();
                done = true;
                Result res = new Result(name, position, previous, tables.size(), total,
                        Duration.ofNanos(System.nanoTime() - t0));
                LOG.info("{}", res);
                return res;
            } catch (SQLException | RuntimeException e) {
                rollback(r, e);
                rollback(p, e);
                throw e;
            } finally {
                r.setAutoCommit(true);
                p.setAutoCommit(true);
                try {
                    foreignKeyChecks(r, d, true);
                } catch (SQLException e) {
                    LOG.warn("Replica {}: could not switch foreign-key checks back on: {}", name, e.getMessage());
                }
            }
        } finally {
            if (applier != null) {
                if (done) applier.resume(); // clears BROKEN: the halting entry is at most the new watermark
                applier.unpause();
            }
        }
    }

    private static void rollback(Connection c, Exception e) {
        try {
            c.rollback();
        } catch (SQLException s) {
            e.addSuppressed(s);
        }
    }

    private static void foreignKeyChecks(Connection r, Dialect d, boolean on) throws SQLException {
        try (Statement st = r.createStatement()) {
            switch (d) {
                case MYSQL -> st.execute("SET FOREIGN_KEY_CHECKS = " + (on ? 1 : 0));
                case H2 -> st.execute("SET REFERENTIAL_INTEGRITY " + (on ? "TRUE" : "FALSE"));
                case POSTGRESQL -> st.execute("SET session_replication_role = " + (on ? "origin" : "replica"));
            }
        }
    }

    private static void openSnapshot(Connection p, Dialect d) throws SQLException {
        switch (d) {
            case H2 -> {
                p.setTransactionIsolation(H2_SNAPSHOT);
                p.setAutoCommit(false);
            }
            case MYSQL -> {
                p.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                p.setAutoCommit(false);
                try (Statement st = p.createStatement()) {
                    st.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
                }
            }
            case POSTGRESQL -> {
                p.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                p.setAutoCommit(false);
            }
        }
    }

    /** Copies one table: the primary's rows read through {@code from}, written through {@code into}. */
    private long copy(Connection p, Connection r, TableView from, TableView into, int idx, int count, Consumer<Progress> prog)
            throws SQLException {
        TableSet.Table t = from.table;
        long estimate = TableSet.estimateRows(p, t);
        try (Statement st = r.createStatement()) {
            st.executeUpdate("DELETE FROM " + into.table.quoted());
        }
        String select = "SELECT " + from.select() + " FROM " + t.quoted();
        long copied = 0;
        try (PreparedStatement insert = r.prepareStatement(into.insert())) {
            if (!t.hasPrimaryKey()) {
                try (PreparedStatement ps = p.prepareStatement(select)) {
                    ps.setFetchSize(chunkSize);
                    try (ResultSet rs = ps.executeQuery()) {
                        int batch = 0;
                        while (rs.next()) {
                            bindRow(rs, insert, from, into);
                            copied++;
                            if (++batch == chunkSize) {
                                insert.executeBatch();
                                batch = 0;
                                prog.accept(new Progress(name, t.name(), idx, count, copied, estimate, false));
                            }
                        }
                        if (batch > 0) insert.executeBatch();
                    }
                }
            } else {
                int[] pk = t.primaryKey();
                String first = select + " ORDER BY " + t.keyList() + " LIMIT " + chunkSize;
                String next = select + " WHERE " + from.keyPredicate(">") + " ORDER BY " + t.keyList() + " LIMIT " + chunkSize;
                Object[] lower = null;
                while (true) {
                    int rows = 0;
                    try (PreparedStatement ps = p.prepareStatement(lower == null ? first : next)) {
                        if (lower != null) for (int k = 0; k < pk.length; k++) from.bind(ps, k + 1, pk[k], lower[k]);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                bindRow(rs, insert, from, into);
                                rows++;
                                if (lower == null) lower = new Object[pk.length];
                                for (int k = 0; k < pk.length; k++) lower[k] = from.read(rs, pk[k] + 1, pk[k]);
                            }
                        }
                    }
                    if (rows > 0) insert.executeBatch();
                    copied += rows;
                    if (rows < chunkSize) break;
                    prog.accept(new Progress(name, t.name(), idx, count, copied, estimate, false));
                }
            }
        }
        prog.accept(new Progress(name, t.name(), idx, count, copied, estimate, true));
        return copied;
    }

    /** Adds the current row to the insert batch: every column the replica does not compute. */
    private static void bindRow(ResultSet rs, PreparedStatement insert, TableView from, TableView into) throws SQLException {
        int j = 1;
        for (int i = 0; i < into.table.columns().size(); i++) {
            if (into.table.columns().get(i).generated()) continue;
            into.bind(insert, j++, i, from.read(rs, i + 1, i));
        }
        insert.addBatch();
    }
}
