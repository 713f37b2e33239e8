package io.shardline.replication.log;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Installs and maintains change capture on a primary: database triggers that write every changed
 * row into {@code changes} inside the writing transaction, and the seal triggers on
 * {@code commits} that hand the transaction's token to its commit record.
 *
 * <p>Why triggers: they see the effect of every statement exactly as the database executed it —
 * whatever the SQL (INSERT ... SELECT, joins, subqueries, upserts, {@code RAND()}, session
 * variables, stored procedures, the primary's own triggers), whatever the isolation level — and
 * they run inside the writer's transaction, so a committed write always has its change rows and a
 * rolled-back one never does, at no extra round trip.
 * <ul>
 *   <li>H2: two Java row triggers per table ({@link H2Capture}), which read the table's columns
 *       when H2 initialises them (also after ALTER TABLE, when H2 rebuilds the table with its
 *       triggers): {@code AFTER INSERT, UPDATE} and {@code BEFORE DELETE}. Deletes are captured
 *       before the row goes because H2 retries a statement that met a concurrent change
 *       (CONCURRENT_UPDATE, e.g. in an ON DELETE CASCADE) without undoing what its first attempt
 *       removed, and fires a DELETE's AFTER triggers only once all its rows are removed: the rows
 *       of the failed attempt would stay deleted with no AFTER trigger ever fired for them. A
 *       BEFORE trigger fires for every row once it is locked; a row whose first attempt did not get
 *       to remove it is captured twice, which the idempotent apply absorbs. Updates need no such
 *       care: H2 rolls a failed attempt's row updates back before it retries.</li>
 *   <li>MySQL/MariaDB: three SQL row triggers per table whose bodies list the columns
 *       ({@link LogEntryCodec#mysqlChangeImage}); the trigger names carry a digest of the table's
 *       shape, so after a schema change the new triggers are created before the old ones are
 *       dropped: a row written in between is captured twice, which the idempotent apply absorbs,
 *       never zero times.</li>
 *   <li>PostgreSQL: one PL/pgSQL row trigger per table ({@code AFTER INSERT OR UPDATE OR DELETE})
 *       and its function, which builds the same text image ({@link LogEntryCodec#postgresChangeImage})
 *       with the transaction id ({@code txid_current()}) as the token; the seal trigger copies the
 *       transaction id into the commit record. Names carry the shape digest as on MySQL. PostgreSQL
 *       fires row triggers for the changes its foreign-key actions cascade, so cascades are
 *       captured (as on H2), and PostgreSQL replicas apply with triggers and foreign-key checks off
 *       ({@code session_replication_role = replica}).</li>
 * </ul>
 * {@link #install} is called when the runtime starts and after every DDL statement that runs
 * through Shardline.
 */
public final class ChangeCapture {

    private static final String H2_TRIGGER_CLASS = "io.shardline.replication.log.H2Capture";
    private static final String H2_CAPTURE_PREFIX = H2Capture.CAPTURE_PREFIX;
    private static final String H2_DELETE_PREFIX = H2Capture.DELETE_PREFIX;
    private static final String MYSQL_PREFIX = "sl_";

    private final ReplicationLog log;

    private ChangeCapture(ReplicationLog log) {
        this.log = log;
    }

    /** The capture of the primary that {@code log} belongs to. */
    public static ChangeCapture forLog(ReplicationLog log) {
        return new ChangeCapture(log);
    }

    /** Installs the seal triggers and capture on every application table that lacks it (current). */
    public void install(Connection c) throws SQLException {
        switch (log.dialect()) {
            case H2 -> installH2(c);
            case MYSQL -> installMySql(c);
            case POSTGRESQL -> installPostgres(c);
        }
    }

    // ------------------------------------------------------------------ H2

    private void installH2(Connection c) throws SQLException {
        String schema = log.schemaName();
        String q = log.schema();
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TRIGGER IF NOT EXISTS " + q + ".\"shardline:seal\" BEFORE INSERT ON " + q
                    + ".commits FOR EACH ROW CALL '" + H2_TRIGGER_CLASS + "'");
            st.execute("CREATE TRIGGER IF NOT EXISTS " + q + ".\"shardline:sealed\" AFTER INSERT ON " + q
                    + ".commits FOR EACH ROW CALL '" + H2_TRIGGER_CLASS + "'");
        }
        installH2(c, schema, H2_CAPTURE_PREFIX, "AFTER INSERT, UPDATE");
        installH2(c, schema, H2_DELETE_PREFIX, "BEFORE DELETE");
        dropRenamedH2(c, schema);
    }

    /**
     * Drops capture triggers that a renamed table brought along: their names (and the table name
     * H2 gave them when it initialised them) are the old table's. The new ones exist by now.
     */
    private static void dropRenamedH2(Connection c, String schema) throws SQLException {
        List<String[]> stale = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT TRIGGER_SCHEMA, TRIGGER_NAME FROM INFORMATION_SCHEMA.TRIGGERS"
                + " WHERE (TRIGGER_NAME LIKE ? OR TRIGGER_NAME LIKE ?) AND TRIGGER_NAME <> CONCAT(?, EVENT_OBJECT_TABLE)"
                + " AND TRIGGER_NAME <> CONCAT(?, EVENT_OBJECT_TABLE)")) {
            ps.setString(1, likePrefix(H2_CAPTURE_PREFIX + schema + ":"));
            ps.setString(2, likePrefix(H2_DELETE_PREFIX + schema + ":"));
            ps.setString(3, H2_CAPTURE_PREFIX + schema + ":");
            ps.setString(4, H2_DELETE_PREFIX + schema + ":");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) stale.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        try (Statement st = c.createStatement()) {
            for (String[] t : stale) st.execute("DROP TRIGGER IF EXISTS " + h2Quote(t[0]) + "." + h2Quote(t[1]));
        }
    }

    private static String likePrefix(String prefix) {
        return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    /** Creates the trigger named {@code prefix + schema + ':' + table} on every application table that lacks it. */
    private static void installH2(Connection c, String schema, String prefix, String events) throws SQLException {
        List<String[]> missing = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT t.TABLE_SCHEMA, t.TABLE_NAME FROM INFORMATION_SCHEMA.TABLES t"
                + " WHERE t.TABLE_TYPE = 'BASE TABLE' AND t.TABLE_SCHEMA <> 'INFORMATION_SCHEMA' AND t.TABLE_SCHEMA <> ?"
                + " AND NOT EXISTS (SELECT 1 FROM INFORMATION_SCHEMA.TRIGGERS g WHERE g.EVENT_OBJECT_SCHEMA = t.TABLE_SCHEMA"
                + " AND g.EVENT_OBJECT_TABLE = t.TABLE_NAME AND g.TRIGGER_NAME = CONCAT(?, t.TABLE_NAME))")) {
            ps.setString(1, schema);
            ps.setString(2, prefix + schema + ":");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) missing.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        for (String[] t : missing) {
            String table = h2Quote(t[0]) + "." + h2Quote(t[1]);
            String name = prefix + schema + ":" + t[1];
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TRIGGER IF NOT EXISTS " + h2Quote(t[0]) + "." + h2Quote(name)
                        + " " + events + " ON " + table + " FOR EACH ROW CALL '" + H2_TRIGGER_CLASS + "'");
            } catch (SQLException e) {
                // another application instance installed it at the same moment (H2's IF NOT EXISTS is not atomic)
                if (!h2TriggerExists(c, t[0], name)) throw e;
            }
        }
    }

    private static boolean h2TriggerExists(Connection c, String schema, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM INFORMATION_SCHEMA.TRIGGERS WHERE TRIGGER_SCHEMA = ? AND TRIGGER_NAME = ?")) {
            ps.setString(1, schema);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String h2Quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    // ------------------------------------------------------------------ MySQL / MariaDB

    private void installMySql(Connection c) throws SQLException {
        String q = log.schema();
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TRIGGER IF NOT EXISTS " + q + ".shardline_seal BEFORE INSERT ON " + q + ".commits"
                    + " FOR EACH ROW BEGIN IF NEW.tx IS NULL THEN SET NEW.tx = @shardline_tx; END IF; END");
            // reset only once the record is in: a seal retried after a duplicate position keeps the token
            st.execute("CREATE TRIGGER IF NOT EXISTS " + q + ".shardline_sealed AFTER INSERT ON " + q + ".commits"
                    + " FOR EACH ROW BEGIN IF NEW.tx IS NOT NULL AND NEW.tx <> 0 THEN SET @shardline_tx = NULL; END IF; END");
        }
        String db = c.getCatalog();
        Map<String, List<String[]>> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_KEY, c.EXTRA"
                + " FROM information_schema.COLUMNS c JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA"
                + " AND t.TABLE_NAME = c.TABLE_NAME WHERE c.TABLE_SCHEMA = ? AND t.TABLE_TYPE = 'BASE TABLE'"
                + " ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String extra = rs.getString(5);
                    if (extra != null && extra.toUpperCase(java.util.Locale.ROOT).contains("GENERATED")) continue;
                    columns.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
                }
            }
        }
        Map<String, List<String>> existing = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT EVENT_OBJECT_TABLE, TRIGGER_NAME FROM information_schema.TRIGGERS"
                + " WHERE TRIGGER_SCHEMA = ? AND TRIGGER_NAME LIKE 'sl\\_%'")) {
            ps.setString(1, db);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) existing.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        }
        for (Map.Entry<String, List<String[]>> e : columns.entrySet()) {
            installMySqlTable(c, db, e.getKey(), e.getValue(), existing.getOrDefault(e.getKey(), List.of()));
        }
    }

    private void installMySqlTable(Connection c, String db, String table, List<String[]> cols, List<String> existing)
            throws SQLException {
        String[] names = new String[cols.size()];
        String[] types = new String[cols.size()];
        List<Integer> pk = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            names[i] = cols.get(i)[0];
            types[i] = cols.get(i)[1];
            if ("PRI".equals(cols.get(i)[2])) pk.add(i);
        }
        int[] key = pk.isEmpty() ? allColumns(names.length) : pk.stream().mapToInt(Integer::intValue).toArray();
        String shape = digest(table + "\u0000" + String.join("\u0001", names) + "\u0000" + String.join("\u0001", types)
                + "\u0000" + java.util.Arrays.toString(key));
        String tableId = digest(table).substring(0, 8);
        String base = MYSQL_PREFIX + tableId + "_" + shape.substring(0, 12) + "_";
        String qt = "`" + db.replace("`", "``") + "`.`" + table.replace("`", "``") + "`";
        List<String> wanted = List.of(base + "i", base + "u", base + "d");
        if (existing.containsAll(wanted)) {
            dropStale(c, db, existing, wanted);
            return;
        }
        try (Statement st = c.createStatement()) {
            for (RowChange.Op op : RowChange.Op.values()) {
                String name = base + Character.toLowerCase(op.code);
                String image = LogEntryCodec.mysqlChangeImage(op, db, table, names, types, key);
                st.execute("CREATE TRIGGER IF NOT EXISTS `" + db.replace("`", "``") + "`.`" + name + "` AFTER " + op
                        + " ON " + qt + " FOR EACH ROW BEGIN IF @shardline_tx IS NULL THEN SET @shardline_tx = UUID_SHORT();"
                        + " END IF; INSERT INTO " + log.schema() + ".changes (tx, payload) VALUES (@shardline_tx, "
                        + image + "); END");
            }
        }
        dropStale(c, db, existing, wanted);
    }

    /**
     * Drops the capture triggers on a table other than {@code wanted}: those of its former shape,
     * and those it brought along from its former name (a renamed table keeps its triggers, whose
     * bodies name the old table).
     */
    private static void dropStale(Connection c, String db, List<String> existing, List<String> wanted) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String name : existing) {
                if (!wanted.contains(name)) {
                    st.execute("DROP TRIGGER IF EXISTS `" + db.replace("`", "``") + "`.`" + name + "`");
                }
            }
        }
    }

    // ------------------------------------------------------------------ PostgreSQL

    private void installPostgres(Connection c) throws SQLException {
        String q = log.schema();
        try (Statement st = c.createStatement()) {
            if (!postgresFunctionExists(c, log.schemaName(), "sl_seal")) {
                createPostgres(c, "CREATE OR REPLACE FUNCTION " + q + ".sl_seal() RETURNS trigger LANGUAGE plpgsql AS $sl$"
                        + " BEGIN IF NEW.tx IS NULL THEN NEW.tx := txid_current_if_assigned(); END IF; RETURN NEW; END $sl$",
                        () -> postgresFunctionExists(c, log.schemaName(), "sl_seal"));
            }
            if (!postgresTriggerExists(c, log.schemaName(), "commits", "sl_seal")) {
                createPostgres(c, "CREATE OR REPLACE TRIGGER sl_seal BEFORE INSERT ON " + q + ".commits FOR EACH ROW EXECUTE FUNCTION "
                        + q + ".sl_seal()", () -> postgresTriggerExists(c, log.schemaName(), "commits", "sl_seal"));
            }
        }
        Map<String, List<String[]>> columns = new LinkedHashMap<>(); // "schema.table" -> {schema, table, column, typname, pk}
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname, cl.relname, a.attname, t.typname,"
                + " COALESCE(a.attnum = ANY (i.indkey::int2[]), false)"
                + " FROM pg_class cl JOIN pg_namespace n ON n.oid = cl.relnamespace"
                + " JOIN pg_attribute a ON a.attrelid = cl.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''"
                + " JOIN pg_type t ON t.oid = a.atttypid"
                + " LEFT JOIN pg_index i ON i.indrelid = cl.oid AND i.indisprimary"
                + " WHERE cl.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', ?)"
                + " AND n.nspname NOT LIKE 'pg\\_%'"
                + " ORDER BY n.nspname, cl.relname, a.attnum")) {
            ps.setString(1, log.schemaName());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.computeIfAbsent(rs.getString(1) + "." + rs.getString(2), k -> new ArrayList<>()).add(new String[] {
                            rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5) ? "PRI" : ""});
                }
            }
        }
        Map<String, List<String>> existing = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname || '.' || cl.relname, tg.tgname FROM pg_trigger tg"
                + " JOIN pg_class cl ON cl.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = cl.relnamespace"
                + " WHERE NOT tg.tgisinternal AND tg.tgname LIKE 'sl\\_%' AND n.nspname <> ?")) {
            ps.setString(1, log.schemaName());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) existing.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
            }
        }
        for (Map.Entry<String, List<String[]>> e : columns.entrySet()) {
            installPostgresTable(c, e.getValue(), existing.getOrDefault(e.getKey(), List.of()));
        }
    }

    private void installPostgresTable(Connection c, List<String[]> cols, List<String> existing) throws SQLException {
        String schema = cols.get(0)[0];
        String table = cols.get(0)[1];
        String[] names = new String[cols.size()];
        String[] types = new String[cols.size()];
        List<Integer> pk = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            names[i] = cols.get(i)[2];
            types[i] = cols.get(i)[3];
            if ("PRI".equals(cols.get(i)[4])) pk.add(i);
        }
        int[] key = pk.isEmpty() ? allColumns(names.length) : pk.stream().mapToInt(Integer::intValue).toArray();
        String shape = digest(schema + "\u0000" + table + "\u0000" + String.join("\u0001", names) + "\u0000"
                + String.join("\u0001", types) + "\u0000" + java.util.Arrays.toString(key));
        String name = MYSQL_PREFIX + digest(schema + "\u0000" + table).substring(0, 8) + "_" + shape.substring(0, 12);
        String qt = pgQuote(schema) + "." + pgQuote(table);
        String fn = log.schema() + "." + pgQuote(name);
        if (!existing.contains(name)) {
            String insert = "INSERT INTO " + log.schema() + ".changes (tx, payload) VALUES (txid_current(), ";
            String body = "BEGIN IF TG_OP = 'INSERT' THEN " + insert
                    + LogEntryCodec.postgresChangeImage(RowChange.Op.INSERT, schema, table, names, types, key) + ");"
                    + " ELSIF TG_OP = 'UPDATE' THEN " + insert
                    + LogEntryCodec.postgresChangeImage(RowChange.Op.UPDATE, schema, table, names, types, key) + ");"
                    + " ELSE " + insert
                    + LogEntryCodec.postgresChangeImage(RowChange.Op.DELETE, schema, table, names, types, key) + ");"
                    + " END IF; RETURN NULL; END";
            // the settings that shape value text are the function's own, whatever the session's
            createPostgres(c, "CREATE OR REPLACE FUNCTION " + fn + "() RETURNS trigger LANGUAGE plpgsql"
                    + " SET datestyle = 'ISO, YMD' SET intervalstyle = 'postgres' SET extra_float_digits = 1"
                    + " AS $sl$ " + body + " $sl$", () -> postgresFunctionExists(c, log.schemaName(), name));
            createPostgres(c, "CREATE OR REPLACE TRIGGER " + pgQuote(name) + " AFTER INSERT OR UPDATE OR DELETE ON " + qt
                    + " FOR EACH ROW EXECUTE FUNCTION " + fn + "()", () -> postgresTriggerExists(c, schema, table, name));
        }
        try (Statement st = c.createStatement()) {
            for (String old : existing) {
                if (old.equals(name)) continue;
                // the table's former shape, or a trigger it brought along from its former name
                st.execute("DROP TRIGGER IF EXISTS " + pgQuote(old) + " ON " + qt);
                st.execute("DROP FUNCTION IF EXISTS " + log.schema() + "." + pgQuote(old) + "()");
            }
        }
    }

    /** What tells whether a concurrent installer (another instance) created the object after all. */
    private interface Probe {
        boolean exists() throws SQLException;
    }

    /**
     * Runs a CREATE OR REPLACE; two instances doing so at once make one fail ("tuple concurrently
     * updated"), which is fine when the object exists now.
     */
    private static void createPostgres(Connection c, String ddl, Probe probe) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(ddl);
        } catch (SQLException e) {
            if (!probe.exists()) throw e;
        }
    }

    private static boolean postgresFunctionExists(Connection c, String schema, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE n.nspname = ? AND p.proname = ?")) {
            ps.setString(1, schema);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean postgresTriggerExists(Connection c, String schema, String table, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_trigger tg JOIN pg_class cl ON cl.oid = tg.tgrelid"
                + " JOIN pg_namespace n ON n.oid = cl.relnamespace WHERE n.nspname = ? AND cl.relname = ? AND tg.tgname = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            ps.setString(3, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String pgQuote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static int[] allColumns(int n) {
        int[] k = new int[n];
        for (int i = 0; i < n; i++) k[i] = i;
        return k;
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
