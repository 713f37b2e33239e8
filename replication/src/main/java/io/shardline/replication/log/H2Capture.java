package io.shardline.replication.log;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.api.Trigger;

/**
 * H2's change capture: a Java row trigger that H2 runs inside the writing transaction.
 *
 * <p>Installed by {@link ChangeCapture} in two roles, told apart by the trigger's name:
 * <ul>
 *   <li>{@code shardline:capture:<log schema>:<table>} — {@code AFTER INSERT, UPDATE FOR EACH ROW}
 *       on every application table, and {@code shardline:delete:<log schema>:<table>} —
 *       {@code BEFORE DELETE FOR EACH ROW} (why before: {@link ChangeCapture}): encodes the row's
 *       key and image ({@link LogEntryCodec#encodeChange}) and inserts it into
 *       {@code <log schema>.changes} under the session's open transaction token;</li>
 *   <li>{@code shardline:seal} — {@code BEFORE INSERT} on {@code <log schema>.commits}: the
 *       driver's commit record takes the token; {@code shardline:sealed} — {@code AFTER INSERT}:
 *       the session's next change starts a new one.</li>
 * </ul>
 * Why a token kept here rather than a column the driver sets: the capture costs no round trip and
 * no statement of the driver's; the token lives per H2 session (a weak map, so a closed session's
 * entry goes away). A token left by a rolled-back transaction is simply reused by the next one:
 * the rolled-back change rows are gone with it.
 */
public final class H2Capture implements Trigger {

    /** Trigger name prefix of the capture role; the log schema, a colon and the table's name follow. */
    public static final String CAPTURE_PREFIX = "shardline:capture:";
    /** Trigger name prefix of the delete role ({@code BEFORE DELETE}); the log schema, a colon and the table's name follow. */
    public static final String DELETE_PREFIX = "shardline:delete:";
    /** Trigger name of the seal role ({@code BEFORE INSERT}: the record takes the token). */
    public static final String SEAL = "shardline:seal";
    /** Trigger name of the sealed role ({@code AFTER INSERT}: the record is in, the next transaction gets a new token). */
    public static final String SEALED = "shardline:sealed";

    private static final Map<Object, Long> OPEN = Collections.synchronizedMap(new WeakHashMap<>());
    /** Tokens unique per H2 database process: milliseconds at load time, then counted. */
    private static final AtomicLong NEXT = new AtomicLong(System.currentTimeMillis() << 20);

    private boolean seal;
    private boolean sealed;
    private String logSchema;
    private String schemaName;
    private String tableName;
    /** The table's columns as captured; replaced when a DDL changed the database since it was read. */
    private volatile Shape shape;

    /**
     * What a change of the table looks like: the row positions captured, where the key sits in the
     * row, the encoded header; and the database's schema version it was read at.
     */
    private record Shape(long metaId, int[] captured, int[] keyInRow, byte[] header) {
    }

    /** Called by H2. */
    public H2Capture() {
    }

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before, int type)
            throws SQLException {
        this.schemaName = schemaName;
        this.tableName = tableName;
        if (triggerName.equals(SEAL) || triggerName.equals(SEALED)) {
            seal = triggerName.equals(SEAL);
            sealed = !seal;
            return;
        }
        String prefix = triggerName.startsWith(CAPTURE_PREFIX) ? CAPTURE_PREFIX
                : triggerName.startsWith(DELETE_PREFIX) ? DELETE_PREFIX : null;
        if (prefix == null) throw new SQLException("unexpected Shardline trigger name " + triggerName);
        String rest = triggerName.substring(prefix.length());
        int colon = rest.indexOf(':');
        this.logSchema = colon < 0 ? rest : rest.substring(0, colon);
        shape = read((org.h2.engine.SessionLocal) conn.unwrap(org.h2.jdbc.JdbcConnection.class).getSession());
    }

    /**
     * The table's shape through H2's table API (no nested statement: see {@link #append}). H2
     * initialises a trigger again when ALTER TABLE rebuilds the table, but not for every schema
     * change (a renamed column keeps the trigger as it was): {@link #fire} reads the shape again
     * whenever the database's schema version moved since.
     */
    private Shape read(org.h2.engine.SessionLocal session) {
        org.h2.engine.Database db = session.getDatabase();
        long metaId = db.getModificationMetaId();
        org.h2.table.Table t = db.getSchema(schemaName).getTableOrView(session, tableName);
        List<String> names = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (org.h2.table.Column c : t.getColumns()) {
            // computed columns are derived on every node; the row array holds every column
            if (c.isGenerated()) continue;
            names.add(c.getName());
            positions.add(c.getColumnId());
        }
        List<String> pk = new ArrayList<>();
        org.h2.index.Index primary = t.findPrimaryKey();
        if (primary != null) {
            for (org.h2.table.IndexColumn ic : primary.getIndexColumns()) pk.add(ic.column.getName());
        }
        int[] captured = positions.stream().mapToInt(Integer::intValue).toArray();
        String[] columns = names.toArray(String[]::new);
        int[] key;
        if (pk.isEmpty() || !names.containsAll(pk)) {
            key = new int[columns.length]; // no primary key: the whole row identifies it
            for (int i = 0; i < key.length; i++) key[i] = i;
        } else {
            key = pk.stream().mapToInt(names::indexOf).toArray();
        }
        int[] keyInRow = new int[key.length];
        for (int i = 0; i < key.length; i++) keyInRow[i] = captured[key[i]];
        return new Shape(metaId, captured, keyInRow, LogEntryCodec.changeHeader(schemaName, tableName, columns, key));
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        Object session = conn.unwrap(org.h2.jdbc.JdbcConnection.class).getSession();
        if (seal) {
            // commits (position, tx, committed_at, payload): a commit record without a token takes the session's
            if (newRow[1] == null) newRow[1] = OPEN.get(session);
            return;
        }
        if (sealed) {
            // only once the record is in: a seal retried after a duplicate position keeps its token
            if (newRow[1] instanceof Long t && t != 0L) OPEN.remove(session);
            return;
        }
        Long tx = OPEN.get(session);
        if (tx == null) {
            tx = NEXT.incrementAndGet();
            OPEN.put(session, tx);
        }
        org.h2.engine.SessionLocal local = (org.h2.engine.SessionLocal) session;
        Shape shape = this.shape;
        if (shape.metaId() != local.getDatabase().getModificationMetaId()) this.shape = shape = read(local);
        int[] keyInRow = shape.keyInRow();
        int[] captured = shape.captured();
        RowChange.Op op = oldRow == null ? RowChange.Op.INSERT : newRow == null ? RowChange.Op.DELETE : RowChange.Op.UPDATE;
        Object[] oldKey = null;
        if (oldRow != null) {
            oldKey = new Object[keyInRow.length];
            for (int i = 0; i < keyInRow.length; i++) oldKey[i] = plain(oldRow[keyInRow[i]]);
        }
        Object[] image = null;
        if (newRow != null) {
            image = new Object[captured.length];
            for (int i = 0; i < captured.length; i++) image[i] = plain(newRow[captured[i]]);
        }
        byte[] payload;
        try {
            payload = LogEntryCodec.encodeChange(shape.header(), op, oldKey, image);
        } catch (IllegalArgumentException e) {
            throw new SQLException("Shardline cannot capture this change of " + schemaName + "." + tableName + " for replication: "
                    + e.getMessage(), "0A000", e);
        }
        append(local, tx, payload);
    }

    /**
     * Inserts the change row into {@code <log schema>.changes} through H2's table API, in the
     * writer's transaction, rather than through a JDBC statement. Why: a statement run from inside
     * a trigger is a nested command, and H2 starts and ends a statement snapshot for every command
     * — ending it releases the snapshot of the statement that fired the trigger, which then reads
     * on without one. The table API is what H2's own ON DELETE CASCADE uses; the row still goes
     * through identity generation, constraints and the transaction's undo log (a rollback, to a
     * savepoint or in full, takes it away with the rows it describes). It also saves preparing a
     * statement for every changed row.
     */
    private void append(org.h2.engine.SessionLocal session, long tx, byte[] payload) {
        org.h2.table.Table changes = session.getDatabase().getSchema(logSchema).getTableOrView(session, "CHANGES");
        org.h2.result.Row row = changes.getTemplateRow();
        row.setValue(changes.getColumn("TX").getColumnId(), org.h2.value.ValueBigint.get(tx));
        row.setValue(changes.getColumn("PAYLOAD").getColumnId(), org.h2.value.ValueVarbinary.getNoCopy(payload));
        changes.convertInsertRow(session, row, null);
        changes.lock(session, org.h2.table.Table.WRITE_LOCK);
        changes.addRow(session, row);
    }

    /**
     * The value itself for what H2 hands a trigger as a locator: a CLOB's text and a BLOB's bytes
     * (read in full, the image must hold the value, not a handle valid only in this session).
     */
    private static Object plain(Object v) throws SQLException {
        if (v instanceof java.sql.Clob c) return c.getSubString(1, Math.toIntExact(c.length()));
        if (v instanceof java.sql.Blob b) return b.getBytes(1, Math.toIntExact(b.length()));
        return v;
    }

    @Override
    public void close() {
    }

    @Override
    public void remove() {
    }
}
