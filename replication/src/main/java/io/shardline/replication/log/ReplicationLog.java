package io.shardline.replication.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shardline's own tables on one node, and every statement that touches them.
 *
 * <p>On a primary: {@code changes} (one row per changed application row, written by the capture
 * triggers inside the writer's transaction: {@code seq}, the transaction's token {@code tx}, the
 * row change in the {@link LogEntryCodec} format), {@code commits} (one row per committed write
 * transaction: {@code position}, the token of its changes, commit time, and for DDL the statement
 * payload) and {@code pruned} (one row: every position up to it was pruned). On a replica:
 * {@code watermark} (one row: the last position applied there, plus the position of a DDL
 * statement whose execution was started and the id of the applier that started it — DDL commits
 * implicitly, so it cannot share a transaction with the watermark).
 *
 * <h2>Why positions are a valid replay order, without a lock across the commit</h2>
 * {@link #seal} is the writer's last statement before its commit: it inserts the commit record,
 * whose auto-increment {@code position} the database hands out at that moment. If transaction B
 * depends on A (B changed a row A changed, or read A's write before writing), B did so after A
 * committed: A's row locks are held to its commit, and a reader sees only committed rows. A took
 * its position before committing and B takes its position after that, so A's position is smaller.
 * Replaying whole transactions in position order therefore replays every row's changes in the
 * order the primary made them. Positions may have holes: a transaction that rolled back after
 * taking one, or one still between its seal and its commit. The applier resolves a hole with
 * {@link #claim}, which either waits for and then sees the writer's record, or (the writer rolled
 * back) fills the hole with an empty record so that no late commit can ever take it.
 *
 * <p>All tables live in a schema of their own (default {@code shardline}; on MySQL/MariaDB, where
 * a schema is a database, {@code shardline_<database>}) so that the application's schema tools
 * (Flyway, Hibernate) never see them.
 */
public final class ReplicationLog {

    /** {@code tx} of a DDL entry whose statement is running on the primary (or whose process died while it ran). */
    public static final long DDL_RUNNING = -1L;

    /**
     * One committed transaction as stored in the log: {@code tx} names its row changes (0 for a DDL
     * entry or a filled hole, {@link #DDL_RUNNING} for a DDL entry whose statement has not finished
     * on the primary, null if the transaction changed no row); {@code payload} holds the DDL
     * statement, else null. For a running DDL {@code committedAtMillis} is the last heartbeat of the
     * process that runs it.
     */
    public record Entry(long position, long committedAtMillis, Long tx, byte[] payload) {

        /** True for a DDL entry whose statement has finished on the primary. */
        public boolean isDdl() {
            return payload != null && !isRunningDdl();
        }

        /** True for a DDL entry whose statement is still running on the primary, as far as the log knows. */
        public boolean isRunningDdl() {
            return tx != null && tx == DDL_RUNNING;
        }

        /** True when the entry has row changes to apply. */
        public boolean hasChanges() {
            return tx != null && tx != 0L && tx != DDL_RUNNING;
        }
    }

    /**
     * The watermark row of a replica: what has been applied, and a DDL whose execution began
     * ({@code ddlAttempt}, 0 if none yet) together with the id of the applier that began it
     * ({@code ddlOwner}, empty if unknown, e.g. recorded before the column existed).
     */
    public record Watermark(long position, long ddlAttempt, String ddlOwner) {
    }

    private final Dialect dialect;
    private final String schema;
    private final String rawSchema;
    private final String commitsTable;
    private final String changesTable;
    private final String prunedTable;
    private final String watermarkTable;
    private final String sealSql;
    private final String readSql;
    private final String changesSql;
    private final String sealCommitSql;

    private ReplicationLog(Dialect dialect, String schema) {
        this.dialect = dialect;
        this.rawSchema = schema;
        this.schema = dialect.quote(schema);
        this.commitsTable = this.schema + ".commits";
        this.changesTable = this.schema + ".changes";
        this.prunedTable = this.schema + ".pruned";
        this.watermarkTable = this.schema + ".watermark";
        this.sealSql = "INSERT INTO " + commitsTable + " (committed_at) VALUES (?)";
        this.readSql = "SELECT position, committed_at, tx, payload FROM " + commitsTable
                + " WHERE position > ? ORDER BY position LIMIT ?";
        this.sealCommitSql = "CALL " + this.schema + ".seal_commit_v1(?)";
        this.changesSql = "SELECT c.position, ch.payload FROM " + commitsTable + " c JOIN " + changesTable
                + " ch ON ch.tx = c.tx WHERE c.position > ? AND c.position <= ? AND c.tx <> 0 ORDER BY ch.seq";
    }

    /**
     * The log of the node {@code c} is connected to.
     *
     * @param configuredSchema {@code replication.schema} from the topology
     */
    public static ReplicationLog forNode(Connection c, String configuredSchema) throws SQLException {
        Dialect d = Dialect.of(c);
        String own = d.ownSchema(c, configuredSchema);
        // H2 and PostgreSQL fold unquoted names: the schema is created (and quoted) as they fold it
        if (d == Dialect.H2) own = own.toUpperCase(java.util.Locale.ROOT);
        else if (d == Dialect.POSTGRESQL) own = own.toLowerCase(java.util.Locale.ROOT);
        return new ReplicationLog(d, own);
    }

    /** The node's dialect. */
    public Dialect dialect() {
        return dialect;
    }

    /** The (quoted) schema holding Shardline's tables on this node. */
    public String schema() {
        return schema;
    }

    /** The schema's name as stored in the catalog (unquoted). */
    public String schemaName() {
        return rawSchema;
    }

    /**
     * Creates the primary's tables and installs change capture on every application table if
     * missing ({@link ChangeCapture}). Commits on {@code c}.
     */
    public void installPrimary(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        try (Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            createSchema(st);
            String identity = switch (dialect) {
                case MYSQL -> "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY";
                default -> "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
            };
            String blob = dialect.binaryType();
            st.execute("CREATE TABLE IF NOT EXISTS " + commitsTable + " (position " + identity + ", tx BIGINT,"
                    + " committed_at BIGINT NOT NULL, payload " + blob + ")");
            st.execute("CREATE TABLE IF NOT EXISTS " + changesTable + " (seq " + identity + ", tx BIGINT NOT NULL,"
                    + " payload " + blob + " NOT NULL" + (dialect == Dialect.MYSQL ? ", KEY changes_tx (tx)" : "") + ")");
            if (dialect != Dialect.MYSQL) {
                st.execute("CREATE INDEX IF NOT EXISTS " + (dialect == Dialect.H2 ? schema + "." : "")
                        + "changes_tx ON " + changesTable + " (tx)");
            }
            st.execute("CREATE TABLE IF NOT EXISTS " + prunedTable + " (id INT NOT NULL PRIMARY KEY, position BIGINT NOT NULL)");
            insertRowIfMissing(st, prunedTable, "INSERT INTO " + prunedTable + " (id, position) VALUES (1, 0)");
            if (dialect == Dialect.MYSQL) {
                st.execute("CREATE PROCEDURE IF NOT EXISTS " + schema + ".seal_commit_v1(IN at BIGINT) BEGIN"
                        + " INSERT INTO " + commitsTable + " (committed_at) VALUES (at); SELECT LAST_INSERT_ID(); COMMIT; END");
            }
            ChangeCapture.forLog(this).install(c);
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** Creates the replica's watermark table if missing. Commits on {@code c}. */
    public void installReplica(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        try (Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            createSchema(st);
            st.execute("CREATE TABLE IF NOT EXISTS " + watermarkTable + " (id INT NOT NULL PRIMARY KEY,"
                    + " position BIGINT NOT NULL, ddl_attempt BIGINT NOT NULL, applied_at BIGINT NOT NULL,"
                    + " ddl_owner VARCHAR(64) DEFAULT '' NOT NULL)");
            addDdlOwnerIfMissing(st);
            insertRowIfMissing(st, watermarkTable,
                    "INSERT INTO " + watermarkTable + " (id, position, ddl_attempt, applied_at) VALUES (1, 0, 0, 0)");
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /**
     * Watermark tables created before the DDL attempt owner existed lack {@code ddl_owner}; add it.
     * Probed first so that a normal start never runs an ALTER (on MySQL it would wait for the
     * metadata lock of another instance's open apply transaction).
     */
    private void addDdlOwnerIfMissing(Statement st) throws SQLException {
        if (hasDdlOwner(st)) return;
        try {
            st.execute("ALTER TABLE " + watermarkTable + " ADD COLUMN IF NOT EXISTS ddl_owner VARCHAR(64) DEFAULT '' NOT NULL");
        } catch (SQLException e) {
            if (!hasDdlOwner(st)) throw e; // else another process added it at the same moment
        }
    }

    private boolean hasDdlOwner(Statement st) {
        try (ResultSet rs = st.executeQuery("SELECT ddl_owner FROM " + watermarkTable + " WHERE 1 = 0")) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private void createSchema(Statement st) throws SQLException {
        st.execute(dialect == Dialect.MYSQL ? "CREATE DATABASE IF NOT EXISTS " + schema
                : "CREATE SCHEMA IF NOT EXISTS " + schema);
    }

    private static void insertRowIfMissing(Statement st, String table, String insert) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE id = 1")) {
            rs.next();
            if (rs.getLong(1) > 0) return;
        }
        try {
            st.execute(insert);
        } catch (SQLException e) {
            // another process installed it at the same moment: fine if the row is now there
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE id = 1")) {
                rs.next();
                if (rs.getLong(1) == 0) throw e;
            }
        }
    }

    /**
     * Seals the caller's open write transaction on the primary: inserts its commit record (which
     * takes the transaction's change token from the capture) and returns its position. The caller
     * commits right after; see the class comment for why that orders positions.
     */
    public long seal(Connection c) throws SQLException {
        return insertRecord(c, sealSql, null);
    }

    /** Appends a DDL entry in its own (the caller's) transaction and returns its position. */
    public long appendDdl(Connection c, byte[] payload) throws SQLException {
        return insertRecord(c, "INSERT INTO " + commitsTable + " (committed_at, tx, payload) VALUES (?, 0, ?)", payload);
    }

    /**
     * Seals the caller's open write transaction and commits it, returning its position. On
     * MySQL/MariaDB one round trip: a procedure inserts the commit record and commits (a
     * procedure may commit; a trigger may not). Elsewhere the seal and a {@code commit()}. On
     * failure the transaction is rolled back and the error rethrown.
     */
    public long sealAndCommit(Connection c) throws SQLException {
        // MySQL's procedure commits itself: no COMMIT round trip of ours
        return dialect == Dialect.MYSQL ? committing(c, () -> callRecord(c), false) : committing(c, () -> seal(c), true);
    }

    /**
     * Write-ahead of a DDL statement: appends its entry marked {@link #DDL_RUNNING} and commits it,
     * before the statement runs (DDL commits implicitly, so the two cannot share a transaction).
     * The caller then runs the DDL and records the outcome with {@link #finishDdl}; appliers wait at
     * a running entry, so nothing after it is applied before the DDL's outcome is known. A process
     * that dies in between leaves the entry running: {@link #heartbeatRunningDdl} stops, and the
     * appliers report it (BROKEN, naming the statement) instead of guessing.
     */
    public long beginDdl(Connection c, byte[] payload) throws SQLException {
        long position = committing(c, () -> insertRecord(c, "INSERT INTO " + commitsTable
                + " (committed_at, tx, payload) VALUES (?, " + DDL_RUNNING + ", ?)", payload), true);
        runningDdl.add(position);
        return position;
    }

    /**
     * Records the outcome of the DDL entry at {@code position} and commits: {@code applied} makes
     * it a DDL entry the replicas run; otherwise (it failed on the primary) an empty entry they
     * pass over. Also an operator's decision about an entry whose process died.
     *
     * @return false if the entry was no longer running (someone else recorded an outcome first)
     */
    public boolean finishDdl(Connection c, long position, boolean applied) throws SQLException {
        long updated = committing(c, () -> {
            try (PreparedStatement ps = c.prepareStatement(applied
                    ? "UPDATE " + commitsTable + " SET tx = 0 WHERE position = ? AND tx = " + DDL_RUNNING
                    : "UPDATE " + commitsTable + " SET tx = 0, payload = NULL WHERE position = ? AND tx = " + DDL_RUNNING)) {
                ps.setLong(1, position);
                return ps.executeUpdate();
            }
        }, !c.getAutoCommit());
        runningDdl.remove(position);
        return updated == 1;
    }

    /** Positions of the DDL entries this process has begun and not finished. */
    private final java.util.Set<Long> runningDdl = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** True while this process has begun a DDL entry and not recorded its outcome. */
    public boolean hasRunningDdl() {
        return !runningDdl.isEmpty();
    }

    /**
     * Refreshes the heartbeat ({@code committed_at}) of the DDL entries this process is running, so
     * that appliers can tell a long DDL from one whose process died. Auto-commit on {@code c}.
     */
    public void heartbeatRunningDdl(Connection c) throws SQLException {
        if (runningDdl.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + commitsTable + " SET committed_at = ?"
                + " WHERE position = ? AND tx = " + DDL_RUNNING)) {
            for (long position : runningDdl) {
                ps.setLong(1, System.currentTimeMillis());
                ps.setLong(2, position);
                ps.executeUpdate();
            }
        }
    }

    /** What inserts a commit record and returns its position. */
    private interface RecordInsert {
        long insert() throws SQLException;
    }

    /** Inserts a commit record and commits (unless the insert committed itself); on failure rolls back and rethrows. */
    private static long committing(Connection c, RecordInsert record, boolean commit) throws SQLException {
        try {
            long position = record.insert();
            if (commit) c.commit();
            return position;
        } catch (SQLException e) {
            try {
                c.rollback();
            } catch (SQLException r) {
                e.addSuppressed(r);
            }
            throw e;
        }
    }

    private long callRecord(Connection c) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (PreparedStatement ps = c.prepareStatement(sealCommitSql)) {
                ps.setLong(1, System.currentTimeMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) throw new SQLException("the primary returned no position for a commit record", "55000");
                    long position = rs.getLong(1);
                    // the procedure's COMMIT follows its result: read to the end of the call
                    while (ps.getMoreResults() || ps.getUpdateCount() != -1) {
                        // nothing else is returned
                    }
                    return position;
                }
            } catch (SQLException e) {
                // the INSERT failed before the procedure's COMMIT: the transaction is still open
                if (attempt >= 5 || !isDuplicateKey(e)) throw e;
            }
        }
    }

    private long insertRecord(Connection c, String sql, byte[] payload) throws SQLException {
        if (dialect == Dialect.POSTGRESQL) return insertRecordPostgres(c, sql, payload);
        for (int attempt = 1; ; attempt++) {
            try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
                ps.setLong(1, System.currentTimeMillis());
                if (payload != null) ps.setBytes(2, payload);
                ps.executeUpdate();
                try (ResultSet rs = ps.getGeneratedKeys()) {
                    if (!rs.next()) throw new SQLException("the primary returned no position for a commit record", "55000");
                    return rs.getLong(1);
                }
            } catch (SQLException e) {
                // an applier filled this position as a hole between its allocation and our insert:
                // the statement alone failed, the transaction (and its token) is intact: take another
                if (attempt >= 5 || !isDuplicateKey(e)) throw e;
            }
        }
    }

    /**
     * PostgreSQL aborts the whole transaction on a failed statement, so a seal that lost its
     * position to an applier's claim must not fail: {@code ON CONFLICT DO NOTHING} returns no row
     * instead (the transaction and its captured rows intact), and the seal takes another position.
     */
    private static long insertRecordPostgres(Connection c, String sql, byte[] payload) throws SQLException {
        String returning = sql + " ON CONFLICT (position) DO NOTHING RETURNING position";
        for (int attempt = 1; attempt <= 5; attempt++) {
            try (PreparedStatement ps = c.prepareStatement(returning)) {
                ps.setLong(1, System.currentTimeMillis());
                if (payload != null) ps.setBytes(2, payload);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) return rs.getLong(1);
                }
            }
        }
        throw new SQLException("the primary gave no free position for a commit record in 5 attempts", "55000");
    }

    /**
     * Resolves the hole at {@code position} (no committed record there, a later one exists): tries
     * to fill it with an empty record. The insert waits while a writer holds that position
     * uncommitted. Returns true if the hole is now filled (nothing was or ever will be committed
     * there), false if a writer's record is there now (read it again). Auto-commit on {@code c}.
     */
    public boolean claim(Connection c, long position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + commitsTable
                + " (position, tx, committed_at, payload) VALUES (?, 0, ?, NULL)")) {
            ps.setLong(1, position);
            ps.setLong(2, System.currentTimeMillis());
            ps.executeUpdate();
            if (!c.getAutoCommit()) c.commit();
            return true;
        } catch (SQLException e) {
            if (!c.getAutoCommit()) c.rollback();
            if (isDuplicateKey(e)) return false;
            // the writer still holds it after the lock wait: look again later
            String state = e.getSQLState();
            if (state != null && (state.startsWith("HYT") || state.startsWith("40") || state.startsWith("41"))) return false;
            throw e;
        }
    }

    static boolean isDuplicateKey(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLIntegrityConstraintViolationException) return true;
            if (t instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().equals("23505") || s.getSQLState().equals("23000"))) return true;
        }
        return false;
    }

    /** The last position handed out and committed on this primary (0 if none). */
    public long head(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(position) FROM " + commitsTable)) {
            rs.next();
            long max = rs.getLong(1);
            return rs.wasNull() ? prunedUpTo(c) : max;
        }
    }

    /**
     * The largest position up to which every position is present (committed, or a filled hole) in
     * what {@code c} sees: a snapshot taken at this position misses no transaction at or below it.
     */
    public long contiguousHead(Connection c) throws SQLException {
        long floor = prunedUpTo(c);
        try (PreparedStatement ps = c.prepareStatement("SELECT MIN(c.position) FROM " + commitsTable + " c WHERE c.position > ?"
                + " AND NOT EXISTS (SELECT 1 FROM " + commitsTable + " d WHERE d.position = c.position + 1)")) {
            ps.setLong(1, floor);
            try (PreparedStatement first = c.prepareStatement("SELECT 1 FROM " + commitsTable + " WHERE position = ?")) {
                first.setLong(1, floor + 1);
                try (ResultSet rs = first.executeQuery()) {
                    if (!rs.next()) return floor;
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                long p = rs.getLong(1);
                return rs.wasNull() ? floor : p;
            }
        }
    }

    /** Every position up to this one was pruned from the log (0 if none). */
    public long prunedUpTo(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT position FROM " + prunedTable + " WHERE id = 1")) {
            return rs.next() ? rs.getLong(1) : 0L;
        }
    }

    /** The smallest position still in the log, or head + 1 when it is empty. */
    public long oldestPosition(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MIN(position) FROM " + commitsTable)) {
            rs.next();
            long min = rs.getLong(1);
            return rs.wasNull() ? head(c) + 1 : min;
        }
    }

    /**
     * Deletes the entries with {@code after < position <= upTo} and their row changes (the caller
     * bounds the range below every replica's watermark), and records that they are gone.
     */
    public int prune(Connection c, long after, long upTo) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            // by token, through the index: a DELETE ... WHERE tx IN (subquery) scans every change row on H2
            List<Long> txs = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT tx FROM " + commitsTable
                    + " WHERE position > ? AND position <= ? AND tx IS NOT NULL AND tx <> 0")) {
                ps.setLong(1, after);
                ps.setLong(2, upTo);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) txs.add(rs.getLong(1));
                }
            }
            if (!txs.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + changesTable + " WHERE tx = ?")) {
                    for (long tx : txs) {
                        ps.setLong(1, tx);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            int n;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + commitsTable + " WHERE position > ? AND position <= ?")) {
                ps.setLong(1, after);
                ps.setLong(2, upTo);
                n = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + prunedTable + " SET position = ? WHERE id = 1 AND position < ?")) {
                ps.setLong(1, upTo);
                ps.setLong(2, upTo);
                ps.executeUpdate();
            }
            c.commit();
            return n;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /** When the first entry after {@code position} was committed (epoch ms); now if there is none. */
    public long committedAfter(Connection c, long position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT committed_at FROM " + commitsTable
                + " WHERE position > ? ORDER BY position LIMIT 1")) {
            ps.setLong(1, position);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : System.currentTimeMillis();
            }
        }
    }

    /** Up to {@code limit} committed entries after {@code after}, in position order (with holes). */
    public List<Entry> readAfter(Connection c, long after, int limit) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(readSql)) {
            ps.setLong(1, after);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long tx = rs.getLong(3);
                    Long t = rs.wasNull() ? null : tx;
                    out.add(new Entry(rs.getLong(1), rs.getLong(2), t, rs.getBytes(4)));
                }
            }
        }
        return out;
    }

    /**
     * The row changes of the entries with {@code after < position <= upTo}, by position, each
     * entry's in the order they were made. One statement of fixed text (prepared once per
     * connection by the pool's statement cache, where there is one).
     */
    public Map<Long, List<byte[]>> changesBetween(Connection c, long after, long upTo) throws SQLException {
        Map<Long, List<byte[]>> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(changesSql)) {
            ps.setLong(1, after);
            ps.setLong(2, upTo);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getBytes(2));
            }
        }
        return out;
    }

    /**
     * Reads the replica's watermark and locks its row until the caller's transaction ends, so
     * that two appliers (two application instances) never apply the same entry.
     */
    public Watermark lockWatermark(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT position, ddl_attempt, ddl_owner FROM " + watermarkTable
                     + " WHERE id = 1 FOR UPDATE")) {
            if (!rs.next()) throw new SQLException("Shardline's watermark row is missing in " + watermarkTable, "55000");
            String owner = rs.getString(3);
            return new Watermark(rs.getLong(1), rs.getLong(2), owner == null ? "" : owner);
        }
    }

    /** Reads the replica's watermark without locking. */
    public long watermark(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT position FROM " + watermarkTable + " WHERE id = 1")) {
            return rs.next() ? rs.getLong(1) : 0L;
        }
    }

    /** Sets the watermark inside the caller's transaction. */
    public void advanceWatermark(Connection c, long position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + watermarkTable
                + " SET position = ?, applied_at = ? WHERE id = 1")) {
            ps.setLong(1, position);
            ps.setLong(2, System.currentTimeMillis());
            ps.executeUpdate();
        }
    }

    /**
     * Records, inside the caller's transaction, that the applier {@code owner} (a random id per
     * applier) is about to run the DDL entry at {@code position}.
     */
    public void markDdlAttempt(Connection c, long position, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + watermarkTable
                + " SET ddl_attempt = ?, ddl_owner = ? WHERE id = 1")) {
            ps.setLong(1, position);
            ps.setString(2, owner);
            ps.executeUpdate();
        }
    }
}
