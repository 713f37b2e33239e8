package io.shardline.replication.apply;

import io.shardline.replication.log.Dialect;
import io.shardline.replication.log.LogEntryCodec;
import io.shardline.replication.log.LoggedStatement;
import io.shardline.replication.log.RowChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns a captured {@link RowChange} into the statement that applies it on one replica, in the
 * replica's dialect, and runs it.
 *
 * <p>Every form is idempotent, so that applying a change twice (a row captured twice while a
 * MySQL table's capture triggers are replaced, or a resync that copied rows a later entry also
 * carries) leaves the same row: an insert is an upsert on the key, an update sets the whole image
 * by key, a delete by key of a row already gone deletes nothing. Only an update that finds
 * neither its old key nor its new key is a divergence (the replica lost a row the primary had),
 * reported as an error that halts the replica. A table without a primary key is keyed by all its
 * columns (compared NULL-safely, one row at a time), and its inserts are plain inserts.
 *
 * <p>MySQL replicas apply with foreign key checks on, so that the cascades MySQL performs without
 * firing triggers (hence without capture) happen on the replica too; a change the primary made
 * with checks off (an orphan row) fails them and is then applied again unchecked.
 *
 * <p>A replica of another engine than its primary gets the table's and columns' names as its own
 * metadata spells them, and each value converted to its column's kind ({@link TargetColumn}):
 * the row images carry the primary's names and the primary's representation of each value.
 */
final class RowStatements {

    private final Dialect dialect;
    /** MySQL: the primary's database; a change there is applied to the replica's own (unqualified). */
    private final String primaryCatalog;
    private final Map<String, String> sqlCache = new HashMap<>();
    /** A replica of another engine: its tables as found in its metadata; null on the primary's engine. */
    private final ReplicaTables foreign;
    /** Replica of another engine: the round's connection, to read a table's metadata through. */
    private Connection metadataConnection;
    /** Replica of another engine: each change shape's table and columns there. */
    private final Map<String, Target> targets = new HashMap<>();

    /** A change shape on a replica of another engine: the table's SQL name and the change's columns, in its order. */
    private record Target(String table, TargetColumn[] columns) {
    }

    RowStatements(Dialect dialect, String primaryCatalog) {
        this(dialect, primaryCatalog, null);
    }

    /** @param tables the replica's tables when its engine is not the primary's ({@link ReplicaTables#crossEngine}), else null */
    RowStatements(Dialect dialect, String primaryCatalog, ReplicaTables tables) {
        this.dialect = dialect;
        this.primaryCatalog = primaryCatalog;
        this.foreign = tables != null && tables.crossEngine() ? tables : null;
    }

    /** Replica of another engine: the connection through which a table not seen yet is looked up. */
    RowStatements on(Connection c) {
        metadataConnection = c;
        return this;
    }

    /** Forgets the tables' shapes after a DDL (names and types may have changed). */
    void forget() {
        targets.clear();
        sqlCache.clear();
        lastChange = null;
        lastTarget = null;
    }

    private Target target(RowChange ch) throws SQLException {
        // asked once per bound value: the change's own answer is kept (no shape key per value)
        if (ch == lastChange) return lastTarget;
        Target t = targetOf(ch);
        lastChange = ch;
        lastTarget = t;
        return t;
    }

    private RowChange lastChange;
    private Target lastTarget;

    private Target targetOf(RowChange ch) throws SQLException {
        String key = shapeKey(ch);
        Target t = targets.get(key);
        if (t == null) {
            ReplicaTables.Found f = foreign.target(ch, metadataConnection);
            TargetColumn[] columns = new TargetColumn[ch.columns().length];
            for (int i = 0; i < columns.length; i++) columns[i] = f.column(ch.columns()[i]);
            t = new Target(f.sql(), columns);
            targets.put(key, t);
        }
        return t;
    }

    /** H2 tables with a GENERATED ALWAYS column: their rows are written with OVERRIDING SYSTEM VALUE. */
    private final java.util.Set<String> generatedAlways = new java.util.HashSet<>();
    /** H2's error for an explicit value in a GENERATED ALWAYS column. */
    private static final int H2_GENERATED_ALWAYS = 90154;

    /** Rows per JDBC batch at most. */
    private static final int MAX_BATCH = 1000;
    /**
     * Changes added to a JDBC batch and not executed yet, all of one statement: a change that needs
     * another statement executes them first, so the changes still run in log order. Why:
     * consecutive changes of one table and operation (a bulk insert, many small transactions into
     * one table, an update of many rows) then cost one round trip per batch instead of one per row
     * (Connector/J sends a batch of inserts as multi-row INSERTs and other batches as one
     * multi-statement request, see {@code rewriteBatchedStatements} on the replication pools).
     */
    private PreparedStatement pending;
    private int pendingRows;
    /** The pending batch is of updates: each must have matched a row (see {@link #flush}). */
    private boolean pendingUpdates;
    private boolean batching;

    /** Whether this round adds upserts and deletes to batches; {@link #flush} before anything that depends on them. */
    void batching(boolean on) {
        batching = on;
    }

    /**
     * Executes the batched changes (before the watermark moves, and before any other statement).
     * An update that matched no row is fine only if its row already carries the new key (applied
     * before), which only the statements in order can tell (a later update of the batch may have
     * moved that key on): such a batch fails with {@link #UNMATCHED_UPDATE}, and the round runs
     * again statement by statement, where each update is checked right after it ran.
     */
    void flush() throws SQLException {
        PreparedStatement ps = pending;
        if (ps == null) return;
        boolean updates = pendingUpdates;
        pending = null;
        pendingRows = 0;
        pendingUpdates = false;
        int[] counts = ps.executeBatch();
        if (!updates) return;
        for (int c : counts) {
            if (c == 0 || c == java.sql.Statement.SUCCESS_NO_INFO) {
                throw new SQLException("an update in a batch matched no row on the replica (" + c + ")", UNMATCHED_UPDATE);
            }
        }
    }

    /** SQLState of a batch with an update that matched no row: not a failure by itself, see {@link #flush}. */
    static final String UNMATCHED_UPDATE = "22000";

    /** Forgets batched changes after the round's transaction was rolled back. */
    void discard() {
        pending = null;
        pendingRows = 0;
        pendingUpdates = false;
    }

    /** Applies {@code ch} through {@code prepared} (statements of this round, by SQL text). */
    void apply(Connection r, Map<String, PreparedStatement> prepared, RowChange ch) throws SQLException {
        try {
            applyChange(r, prepared, ch);
        } catch (UnknownTable e) {
            throw e.sqlException();
        }
    }

    private void applyChange(Connection r, Map<String, PreparedStatement> prepared, RowChange ch) throws SQLException {
        if (dialect == Dialect.H2 && ch.op() != RowChange.Op.DELETE) {
            String t = ch.schema() + "." + ch.table();
            if (generatedAlways.contains(t)) {
                applyOverriding(r, prepared, ch);
                return;
            }
            try {
                applyPlain(r, prepared, ch);
            } catch (SQLException e) {
                if (e.getErrorCode() != H2_GENERATED_ALWAYS) throw e;
                generatedAlways.add(t);
                applyOverriding(r, prepared, ch);
            }
            return;
        }
        applyPlain(r, prepared, ch);
    }

    /**
     * H2 takes an explicit value for a GENERATED ALWAYS column only in an INSERT that says
     * OVERRIDING SYSTEM VALUE (not in MERGE, not in UPDATE): the row is deleted by its old key and
     * inserted again, which is as idempotent as the upsert (the replica has referential integrity
     * off, so the delete cascades nowhere).
     */
    private void applyOverriding(Connection r, Map<String, PreparedStatement> prepared, RowChange ch) throws SQLException {
        flush();
        Object[] key = ch.oldKey();
        if (key == null) {
            key = new Object[ch.key().length];
            for (int i = 0; i < key.length; i++) key[i] = ch.newRow()[ch.key()[i]];
        }
        RowChange delete = new RowChange(RowChange.Op.DELETE, ch.schema(), ch.table(), ch.columns(), ch.types(), ch.key(), key, null);
        PreparedStatement del = statement(r, prepared, sql(delete));
        bindKey(del, delete, key, 0);
        int deleted = del.executeUpdate();
        if (ch.op() == RowChange.Op.UPDATE && deleted == 0 && !exists(r, ch)) {
            throw new SQLException("the replica has no row " + ch.describe() + " to update: it has diverged from the primary",
                    "22000");
        }
        String shape = "overriding\u0000" + shapeKey(ch);
        String insert = sqlCache.get(shape);
        if (insert == null) {
            insert = "INSERT INTO " + table(ch) + columnList(ch) + " OVERRIDING SYSTEM VALUE VALUES " + valueList(ch);
            sqlCache.put(shape, insert);
        }
        PreparedStatement ins = statement(r, prepared, insert);
        bindAll(ins, ch, ch.newRow(), 0);
        ins.executeUpdate();
    }

    private static PreparedStatement statement(Connection r, Map<String, PreparedStatement> prepared, String sql) throws SQLException {
        PreparedStatement ps = prepared.get(sql);
        if (ps == null) {
            ps = r.prepareStatement(sql);
            prepared.put(sql, ps);
        }
        return ps;
    }

    private void applyPlain(Connection r, Map<String, PreparedStatement> prepared, RowChange ch) throws SQLException {
        PreparedStatement ps = statement(r, prepared, sql(ch));
        boolean batch = batching;
        if (pending != null && (!batch || pending != ps)) flush();
        int n = 0;
        switch (ch.op()) {
            case INSERT -> n = bindAll(ps, ch, ch.newRow(), n);
            case UPDATE -> {
                if (setsKeyColumns(ch)) {
                    n = bindAll(ps, ch, ch.newRow(), n);
                } else {
                    for (int i : nonKey(ch)) bind(ps, ++n, ch, i, ch.newRow()[i]);
                }
                n = bindKey(ps, ch, ch.oldKey(), n);
            }
            case DELETE -> n = bindKey(ps, ch, ch.oldKey(), n);
        }
        if (batch) {
            ps.addBatch();
            pending = ps;
            pendingUpdates = ch.op() == RowChange.Op.UPDATE;
            if (++pendingRows >= MAX_BATCH) flush();
            return;
        }
        int count;
        try {
            count = ps.executeUpdate();
        } catch (SQLException e) {
            if (!(dialect == Dialect.MYSQL && (e.getErrorCode() == 1451 || e.getErrorCode() == 1452))) throw e;
            // a foreign key the primary did not check (SET FOREIGN_KEY_CHECKS = 0 there): the
            // primary's row is the truth, so this one change is applied unchecked as well
            try (java.sql.Statement st = r.createStatement()) {
                st.execute("SET foreign_key_checks = 0");
                try {
                    count = ps.executeUpdate();
                } finally {
                    st.execute("SET foreign_key_checks = 1");
                }
            }
        }
        if (ch.op() == RowChange.Op.UPDATE && count == 0 && !exists(r, ch)) {
            throw new SQLException("the replica has no row " + ch.describe() + " to update: it has diverged from the primary",
                    "22000");
        }
    }

    private int bindAll(PreparedStatement ps, RowChange ch, Object[] values, int n) throws SQLException {
        for (int i = 0; i < values.length; i++) bind(ps, ++n, ch, i, values[i]);
        return n;
    }

    private int bindKey(PreparedStatement ps, RowChange ch, Object[] key, int n) throws SQLException {
        for (int i = 0; i < key.length; i++) bind(ps, ++n, ch, ch.key()[i], key[i]);
        return n;
    }

    /**
     * Binds one value. PostgreSQL: text is bound untyped ({@code Types.OTHER}), so the server
     * reads it as the column's type — a text image carries dates, booleans, UUIDs, JSON and
     * arrays as PostgreSQL's own text, which only the column type makes a value again.
     */
    private void bind(PreparedStatement ps, int index, RowChange ch, int column, Object v) throws SQLException {
        if (foreign != null) target(ch).columns()[column].bind(ps, index, v, ch.type(column));
        else if (dialect == Dialect.POSTGRESQL && v instanceof String text) ps.setObject(index, text, java.sql.Types.OTHER);
        else LogEntryCodec.bind(ps, index, v, LoggedStatement.NO_TYPE);
    }

    /**
     * PostgreSQL refuses any value for a GENERATED ALWAYS column in an UPDATE, even its own: an
     * update that keeps its key sets only the other columns there (the key is the same either
     * way); one that changes its key sets them all (such a key is not GENERATED ALWAYS).
     */
    private boolean setsKeyColumns(RowChange ch) {
        if (dialect != Dialect.POSTGRESQL || fullRow(ch)) return true;
        for (int i = 0; i < ch.key().length; i++) {
            Object before = ch.oldKey()[i];
            Object after = ch.newRow()[ch.key()[i]];
            if (!(before instanceof byte[] b ? after instanceof byte[] a && java.util.Arrays.equals(a, b)
                    : java.util.Objects.equals(before, after))) {
                return true;
            }
        }
        return false;
    }

    /** Indexes of the columns that are not key columns. */
    private static int[] nonKey(RowChange ch) {
        boolean[] isKey = new boolean[ch.columns().length];
        for (int k : ch.key()) isKey[k] = true;
        int[] out = new int[ch.columns().length - ch.key().length];
        int j = 0;
        for (int i = 0; i < isKey.length; i++) if (!isKey[i]) out[j++] = i;
        return out;
    }

    /** An update that matched nothing: fine if the row already carries its new key (applied before). */
    private boolean exists(Connection r, RowChange ch) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT 1 FROM ").append(table(ch)).append(" WHERE ");
        where(sql, ch);
        try (PreparedStatement ps = r.prepareStatement(sql.toString())) {
            Object[] k = new Object[ch.key().length];
            for (int i = 0; i < k.length; i++) k[i] = ch.newRow()[ch.key()[i]];
            bindKey(ps, ch, k, 0);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean fullRow(RowChange ch) {
        return ch.key().length == ch.columns().length;
    }

    String sql(RowChange ch) {
        boolean keepsKey = ch.op() == RowChange.Op.UPDATE && !setsKeyColumns(ch);
        String key = ch.op() + (keepsKey ? "=" : "") + "\u0000" + shapeKey(ch);
        String sql = sqlCache.get(key);
        if (sql == null) {
            try {
                sql = build(ch, keepsKey);
            } catch (SQLException e) {
                throw new UnknownTable(e);
            }
            sqlCache.put(key, sql);
        }
        return sql;
    }

    /** A replica of another engine lacks a change's table or column (thrown from {@link #sql}, which callers use as a function). */
    static final class UnknownTable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnknownTable(SQLException cause) {
            super(cause.getMessage(), cause);
        }

        SQLException sqlException() {
            return (SQLException) getCause();
        }
    }

    /** Everything the statement text of a change depends on besides its operation. */
    private static String shapeKey(RowChange ch) {
        return ch.schema() + "\u0000" + ch.table() + "\u0000" + String.join("\u0001", ch.columns())
                + "\u0000" + (ch.types() == null ? "" : String.join("", ch.types())) + "\u0000" + java.util.Arrays.toString(ch.key());
    }

    /** {@code " (c1, c2, ...)"}. */
    private String columnList(RowChange ch) throws SQLException {
        StringBuilder sb = new StringBuilder(" (");
        for (int i = 0; i < ch.columns().length; i++) sb.append(i == 0 ? "" : ", ").append(column(ch, i));
        return sb.append(')').toString();
    }

    /** Column {@code i} of a change, quoted, as the replica names it. */
    private String column(RowChange ch, int i) throws SQLException {
        return quote(foreign != null ? target(ch).columns()[i].name() : ch.columns()[i]);
    }

    /** {@code "(?, ?, ...)"}, one placeholder per column. */
    private String valueList(RowChange ch) throws SQLException {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < ch.columns().length; i++) sb.append(i == 0 ? "" : ", ").append(placeholder(ch, i));
        return sb.append(')').toString();
    }

    private String build(RowChange ch, boolean keepsKey) throws SQLException {
        StringBuilder sb = new StringBuilder();
        String[] cols = new String[ch.columns().length];
        for (int i = 0; i < cols.length; i++) cols[i] = column(ch, i);
        boolean fullRow = fullRow(ch);
        switch (ch.op()) {
            case INSERT -> {
                if (dialect == Dialect.H2 && !fullRow) sb.append("MERGE INTO ");
                else sb.append("INSERT INTO ");
                sb.append(table(ch)).append(columnList(ch));
                if (dialect == Dialect.H2 && !fullRow) {
                    sb.append(" KEY (");
                    for (int i = 0; i < ch.key().length; i++) sb.append(i == 0 ? "" : ", ").append(cols[ch.key()[i]]);
                    sb.append(')');
                }
                // the primary's identity values, GENERATED ALWAYS or not (a no-op for other tables)
                if (dialect == Dialect.POSTGRESQL) sb.append(" OVERRIDING SYSTEM VALUE");
                sb.append(" VALUES ").append(valueList(ch));
                if (!fullRow) {
                    if (dialect == Dialect.MYSQL) {
                        sb.append(" ON DUPLICATE KEY UPDATE ");
                        for (int i = 0; i < cols.length; i++) {
                            sb.append(i == 0 ? "" : ", ").append(cols[i]).append(" = VALUES(").append(cols[i]).append(')');
                        }
                    } else if (dialect == Dialect.POSTGRESQL) {
                        sb.append(" ON CONFLICT (");
                        for (int i = 0; i < ch.key().length; i++) sb.append(i == 0 ? "" : ", ").append(cols[ch.key()[i]]);
                        // not the key columns (there are others: a table keyed by all its columns is fullRow):
                        // the same values, and PostgreSQL refuses any for GENERATED ALWAYS
                        int[] others = nonKey(ch);
                        sb.append(") DO UPDATE SET ");
                        for (int j = 0; j < others.length; j++) {
                            String c = cols[others[j]];
                            sb.append(j == 0 ? "" : ", ").append(c).append(" = EXCLUDED.").append(c);
                        }
                    }
                }
            }
            case UPDATE -> {
                sb.append("UPDATE ").append(table(ch)).append(" SET ");
                int[] set = keepsKey ? nonKey(ch) : allColumns(cols.length);
                for (int j = 0; j < set.length; j++) {
                    sb.append(j == 0 ? "" : ", ").append(cols[set[j]]).append(" = ").append(placeholder(ch, set[j]));
                }
                sb.append(" WHERE ");
                where(sb, ch);
                if (fullRow) limitOne(sb);
            }
            case DELETE -> {
                sb.append("DELETE FROM ").append(table(ch)).append(" WHERE ");
                where(sb, ch);
                if (fullRow) limitOne(sb);
            }
        }
        return sb.toString();
    }

    private void where(StringBuilder sb, RowChange ch) throws SQLException {
        boolean fullRow = fullRow(ch);
        for (int i = 0; i < ch.key().length; i++) {
            int c = ch.key()[i];
            if (i > 0) sb.append(" AND ");
            String col = column(ch, c);
            String p = placeholder(ch, c);
            if (!fullRow) {
                sb.append(col).append(" = ").append(p);
            } else {
                switch (dialect) {
                    case MYSQL -> sb.append(col).append(" <=> ").append(p);
                    case H2 -> sb.append(col).append(" IS NOT DISTINCT FROM ").append(p);
                    case POSTGRESQL -> sb.append(col).append(" IS NOT DISTINCT FROM ").append(p);
                }
            }
        }
    }

    private void limitOne(StringBuilder sb) {
        // PostgreSQL has no LIMIT on UPDATE/DELETE; a full-row key there may touch duplicates together
        if (dialect == Dialect.MYSQL) sb.append(" LIMIT 1");
        else if (dialect == Dialect.H2) sb.append(" FETCH FIRST 1 ROWS ONLY");
    }

    private String placeholder(RowChange ch, int column) throws SQLException {
        if (foreign != null) return target(ch).columns()[column].placeholder();
        // a TIMESTAMP (MySQL) / timestamptz (PostgreSQL) travels as epoch seconds; a MySQL applier's session runs at UTC
        if (!"Z".equals(ch.type(column))) return "?";
        return switch (dialect) {
            case MYSQL -> "FROM_UNIXTIME(?)";
            case POSTGRESQL -> "to_timestamp(CAST(? AS double precision))";
            default -> "?";
        };
    }

    private static int[] allColumns(int n) {
        int[] all = new int[n];
        for (int i = 0; i < n; i++) all[i] = i;
        return all;
    }

    private String table(RowChange ch) throws SQLException {
        if (foreign != null) return target(ch).table();
        if (dialect == Dialect.MYSQL && ch.schema().equals(primaryCatalog)) return quote(ch.table());
        return quote(ch.schema()) + "." + quote(ch.table());
    }

    private String quote(String identifier) {
        return dialect.quote(identifier);
    }
}
