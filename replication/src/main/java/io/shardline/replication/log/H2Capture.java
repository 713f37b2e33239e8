package io.shardline.replication.log;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
    private int[] captured;
    private int[] keyInRow;
    private byte[] header;
    private String table;

    /** Called by H2. */
    public H2Capture() {
    }

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before, int type)
            throws SQLException {
        table = schemaName + "." + tableName;
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
        String logSchema = colon < 0 ? rest : rest.substring(0, colon);
        this.logSchema = logSchema;
        List<String> names = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement("SELECT COLUMN_NAME, ORDINAL_POSITION, IS_GENERATED"
                + " FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
            ps.setString(1, schemaName);
            ps.setString(2, tableName);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // computed columns are derived on every node; the row array holds every column
                    if ("ALWAYS".equalsIgnoreCase(rs.getString(3))) continue;
                    names.add(rs.getString(1));
                    positions.add(rs.getInt(2) - 1);
                }
            }
        }
        List<String> pk = new ArrayList<>();
        try (ResultSet rs = conn.getMetaData().getPrimaryKeys(null, schemaName, tableName)) {
            List<Object[]> rows = new ArrayList<>();
            while (rs.next()) rows.add(new Object[] {rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME")});
            rows.sort((a, b) -> Short.compare((Short) a[0], (Short) b[0]));
            for (Object[] r : rows) pk.add((String) r[1]);
        }
        captured = positions.stream().mapToInt(Integer::intValue).toArray();
        String[] columns = names.toArray(String[]::new);
        int[] key;
        if (pk.isEmpty() || !names.containsAll(pk)) {
            key = new int[columns.length]; // no primary key: the whole row identifies it
            for (int i = 0; i < key.length; i++) key[i] = i;
        } else {
            key = pk.stream().mapToInt(names::indexOf).toArray();
        }
        keyInRow = new int[key.length];
        for (int i = 0; i < key.length; i++) keyInRow[i] = captured[key[i]];
        header = LogEntryCodec.changeHeader(schemaName, tableName, columns, key);
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
            payload = LogEntryCodec.encodeChange(header, op, oldKey, image);
        } catch (IllegalArgumentException e) {
            throw new SQLException("Shardline cannot capture this change of " + table + " for replication: "
                    + e.getMessage(), "0A000", e);
        }
        append((org.h2.engine.SessionLocal) session, tx, payload);
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
