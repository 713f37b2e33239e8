package io.shardline.replication.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Shardline's own tables on one node, and every statement that touches them.
 *
 * <p>On a primary: {@code log_head} (one row: the last position handed out) and {@code log}
 * (one row per committed write transaction: position, commit time, payload in the
 * {@link LogEntryCodec} format). On a replica: {@code watermark} (one row: the last position
 * applied there, plus the position of a DDL statement whose execution was started and the id of
 * the applier that started it — DDL commits implicitly, so it cannot share a transaction with the
 * watermark).
 *
 * <h2>Why positions are in commit order</h2>
 * {@link #append} runs inside the writer's own transaction, just before its commit. Its first
 * statement increments the single {@code log_head} row; the row lock it takes is held until that
 * transaction commits or rolls back, so a second committer blocks on the same row until the first
 * has finished. Positions are therefore handed out in commit order, with no gaps (a rollback
 * undoes the increment together with the entry), and an entry is visible to readers only after
 * every smaller position is. Auto-increment ids are never used for ordering.
 *
 * <p>All tables live in a schema of their own (default {@code shardline}; on MySQL/MariaDB, where
 * a schema is a database, {@code shardline_<database>}) so that the application's schema tools
 * (Flyway, Hibernate) never see them.
 */
public final class ReplicationLog {

    /** One committed transaction as stored in the log. */
    public record Entry(long position, long committedAtMillis, byte[] payload) {
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
    private final String headTable;
    private final String logTable;
    private final String watermarkTable;
    private final String appendSql;
    private final String insertSql;
    private final String readSql;

    private ReplicationLog(Dialect dialect, String schema) {
        this.dialect = dialect;
        this.schema = quote(dialect, schema);
        this.headTable = this.schema + ".log_head";
        this.logTable = this.schema + ".log";
        this.watermarkTable = this.schema + ".watermark";
        this.appendSql = switch (dialect) {
            case H2 -> "SELECT position FROM FINAL TABLE (UPDATE " + headTable
                    + " SET position = position + 1 WHERE id = 1)";
            case POSTGRESQL -> "UPDATE " + headTable + " SET position = position + 1 WHERE id = 1 RETURNING position";
            case MYSQL -> "UPDATE " + headTable + " SET position = LAST_INSERT_ID(position + 1) WHERE id = 1";
        };
        this.insertSql = "INSERT INTO " + logTable + " (position, committed_at, payload) VALUES (?, ?, ?)";
        this.readSql = "SELECT position, committed_at, payload FROM " + logTable
                + " WHERE position > ? ORDER BY position LIMIT ?";
    }

    private static String quote(Dialect d, String identifier) {
        return d == Dialect.MYSQL ? "`" + identifier.replace("`", "``") + "`" : identifier;
    }

    /**
     * The log of the node {@code c} is connected to.
     *
     * @param configuredSchema {@code replication.schema} from the topology
     */
    public static ReplicationLog forNode(Connection c, String configuredSchema) throws SQLException {
        Dialect d = Dialect.of(c);
        return new ReplicationLog(d, d.ownSchema(c, configuredSchema));
    }

    /** The node's dialect. */
    public Dialect dialect() {
        return dialect;
    }

    /** The (quoted where needed) schema holding Shardline's tables on this node. */
    public String schema() {
        return schema;
    }

    /** Creates the primary's tables if missing. Commits on {@code c}. */
    public void installPrimary(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        try (Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            createSchema(st);
            st.execute("CREATE TABLE IF NOT EXISTS " + headTable
                    + " (id INT NOT NULL PRIMARY KEY, position BIGINT NOT NULL)");
            st.execute("CREATE TABLE IF NOT EXISTS " + logTable + " (position BIGINT NOT NULL PRIMARY KEY,"
                    + " committed_at BIGINT NOT NULL, payload " + dialect.binaryType() + " NOT NULL)");
            insertRowIfMissing(st, headTable, "INSERT INTO " + headTable + " (id, position) VALUES (1, 0)");
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
     * Appends one entry inside the caller's open transaction on the primary and returns its
     * position. The caller commits right after; see the class comment for why that orders
     * positions by commit.
     */
    public long append(Connection c, byte[] payload) throws SQLException {
        long position;
        if (dialect == Dialect.MYSQL) {
            try (Statement st = c.createStatement()) {
                if (st.executeUpdate(appendSql) != 1) throw missingHead();
                try (ResultSet rs = st.executeQuery("SELECT LAST_INSERT_ID()")) {
                    rs.next();
                    position = rs.getLong(1);
                }
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement(appendSql); ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) throw missingHead();
                position = rs.getLong(1);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(insertSql)) {
            ps.setLong(1, position);
            ps.setLong(2, System.currentTimeMillis());
            ps.setBytes(3, payload);
            ps.executeUpdate();
        }
        return position;
    }

    private SQLException missingHead() {
        return new SQLException("Shardline's log head row is missing in " + headTable
                + " on the primary; the log tables were altered outside Shardline", "55000");
    }

    /** The last position handed out on this primary (committed). */
    public long head(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT position FROM " + headTable + " WHERE id = 1")) {
            if (!rs.next()) throw missingHead();
            return rs.getLong(1);
        }
    }

    /** The smallest position still in the log, or head + 1 when it is empty. */
    public long oldestPosition(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT MIN(position) FROM " + logTable)) {
            rs.next();
            long min = rs.getLong(1);
            return rs.wasNull() ? head(c) + 1 : min;
        }
    }

    /** Deletes the entries with {@code after < position <= upTo} (the caller bounds the range). */
    public int prune(Connection c, long after, long upTo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + logTable + " WHERE position > ? AND position <= ?")) {
            ps.setLong(1, after);
            ps.setLong(2, upTo);
            return ps.executeUpdate();
        }
    }

    /** When the entry at {@code position} was committed (epoch ms); now if it is not in the log. */
    public long committedAt(Connection c, long position) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT committed_at FROM " + logTable + " WHERE position = ?")) {
            ps.setLong(1, position);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : System.currentTimeMillis();
            }
        }
    }

    /** Up to {@code limit} committed entries after {@code after}, in position order. */
    public List<Entry> readAfter(Connection c, long after, int limit) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(readSql)) {
            ps.setLong(1, after);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(new Entry(rs.getLong(1), rs.getLong(2), rs.getBytes(3)));
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
