package io.shardline.driver;

import io.shardline.replication.log.LogEntryCodec;
import io.shardline.replication.log.LoggedStatement;
import io.shardline.replication.apply.ReplicaApplier;
import io.shardline.routing.shard.ShardRoute;
import io.shardline.routing.sql.StatementInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.BatchUpdateException;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.List;

/**
 * A prepared statement not bound to one node. Parameters are recorded here (they are needed for
 * the log anyway) and bound, with exactly the setter calls replicas will replay, onto the
 * physical prepared statement of the node each execution is routed to. Physical statements are
 * prepared once per node and reused.
 *
 * <p>The SQL is analysed once, when the statement is prepared (and the analysis is cached per
 * SQL text across statements), so an execution only reads the cached decision.
 */
class ShardlinePreparedStatement extends ShardlineStatement implements PreparedStatement {

    /** What {@link #primitiveKinds} records: an object in {@code values}, or which primitive setter. */
    private static final byte P_OBJECT = 0;
    private static final byte P_BOOLEAN = 1;
    private static final byte P_BYTE = 2;
    private static final byte P_SHORT = 3;
    private static final byte P_INT = 4;
    private static final byte P_LONG = 5;
    private static final byte P_FLOAT = 6;
    private static final byte P_DOUBLE = 7;

    final String sql;
    final StatementInfo info;
    private Object[] values;
    private int[] types;
    private int count;
    /**
     * Parameters set with a primitive setter ({@code setLong}, {@code setInt}, ...) are kept
     * unboxed: {@code primitiveKinds[i]} says which setter ({@link #P_OBJECT} when the value is
     * {@code values[i]}), {@code primitives[i]} holds the value (a float or double as its raw
     * bits). A read binds them with the same primitive setter; everything that needs them as
     * objects (a write and its log entry, a batch, the shard router, SET literals) boxes them first
     * ({@link #boxed()}) into exactly the objects the setter would have recorded before.
     */
    private byte[] primitiveKinds;
    private long[] primitives;
    /** Whether some parameter is currently held in {@link #primitives}. */
    private boolean unboxed;
    private List<Object[]> batchValues;
    private List<int[]> batchTypes;

    /** Physical statements: slot 0 = primary, 1 + i = replica i; with the connection each was prepared on. */
    /** Physical statements by shard, then slot (0 = primary, 1 + i = replica i); with the connection each was prepared on. */
    private final PreparedStatement[][] physical;
    private final Connection[][] physicalOn;

    private boolean keysRequested;
    private int[] keyIndexes;
    private String[] keyNames;


    ShardlinePreparedStatement(ShardlineConnection connection, String sql, int type, int concurrency, int holdability) {
        super(connection, type, concurrency, holdability);
        this.sql = sql;
        this.info = connection.analyze(sql);
        int n = Math.max(info.parameterCount(), 1);
        this.values = new Object[n];
        this.types = new int[n];
        Arrays.fill(types, LoggedStatement.NO_TYPE);
        this.primitiveKinds = new byte[n];
        this.primitives = new long[n];
        int shards = connection.runtime.shards.size();
        this.physical = new PreparedStatement[shards][];
        this.physicalOn = new Connection[shards][];
        for (int i = 0; i < shards; i++) {
            int slots = 1 + connection.runtime.shards.get(i).replicas.length;
            physical[i] = new PreparedStatement[slots];
            physicalOn[i] = new Connection[slots];
        }
    }

    void requestKeys(boolean requested, int[] indexes, String[] names) {
        this.keysRequested = requested;
        this.keyIndexes = indexes;
        this.keyNames = names;
    }

    // ------------------------------------------------------------------ execution

    /**
     * The physical statement on the connection of {@code slot} (0 = primary, 1 + i = replica i) of
     * session {@code s}, prepared on first use, and again when the cached one was closed.
     */
    private PreparedStatement physicalFor(ShardConnection s, int slot) throws SQLException {
        Connection c = s.connection(slot);
        PreparedStatement ps = physical[s.shard.index][slot];
        if (ps != null && physicalOn[s.shard.index][slot] == c && !ps.isClosed()) return ps;
        return prepareFor(s, slot, c);
    }

    /**
     * The read path's physical statement of {@code slot}: the cached one if it was prepared on the
     * session's current connection there (not asked {@code isClosed()}, a call through the pool's
     * proxy on every read: a statement closed behind Shardline's back is noticed when it fails, see
     * {@link #closedBehindOurBack}), else a new one.
     */
    private PreparedStatement cachedFor(ShardConnection s, int slot) throws SQLException {
        Connection c = s.connection(slot);
        int shard = s.shard.index;
        PreparedStatement ps = physical[shard][slot];
        if (ps != null && physicalOn[shard][slot] == c) return ps;
        return prepareFor(s, slot, c);
    }

    private PreparedStatement prepareFor(ShardConnection s, int slot, Connection c) throws SQLException {
        PreparedStatement[] physical = this.physical[s.shard.index];
        Connection[] physicalOn = this.physicalOn[s.shard.index];
        PreparedStatement ps = physical[slot];
        if (ps != null) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // its connection went away
            }
        }
        ps = prepare(c);
        configure(ps);
        physical[slot] = ps;
        physicalOn[slot] = c;
        return ps;
    }

    /** Per-shard statements of a cross-shard execution, kept while the shard SQL stays the same. */
    private PreparedStatement[][] scatter;
    private Connection[][] scatterOn;
    private String[][] scatterSql;

    /**
     * The physical statement for a cross-shard execution's {@code shardSql} on the connection of
     * {@code slot} of session {@code s}, prepared once and reused while the SQL (which may carry a
     * rewritten LIMIT) and the connection stay the same.
     */
    PreparedStatement scatterStatement(ShardConnection s, int slot, String shardSql) throws SQLException {
        Connection c = s.connection(slot);
        if (scatter == null) {
            int shards = physical.length;
            scatter = new PreparedStatement[shards][];
            scatterOn = new Connection[shards][];
            scatterSql = new String[shards][];
            for (int i = 0; i < shards; i++) {
                scatter[i] = new PreparedStatement[physical[i].length];
                scatterOn[i] = new Connection[physical[i].length];
                scatterSql[i] = new String[physical[i].length];
            }
        }
        int shard = s.shard.index;
        PreparedStatement ps = scatter[shard][slot];
        if (ps != null && scatterOn[shard][slot] == c && shardSql.equals(scatterSql[shard][slot]) && !ps.isClosed()) {
            return ps;
        }
        if (ps != null) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // its connection went away
            }
        }
        ps = ShardedExecution.prepare(this, c, shardSql);
        scatter[shard][slot] = ps;
        scatterOn[shard][slot] = c;
        scatterSql[shard][slot] = shardSql;
        return ps;
    }

    PreparedStatement prepare(Connection c) throws SQLException {
        if (keyIndexes != null) return c.prepareStatement(sql, keyIndexes);
        if (keyNames != null) return c.prepareStatement(sql, keyNames);
        if (keysRequested) return c.prepareStatement(sql, RETURN_GENERATED_KEYS);
        return c.prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
    }


    @Override
    void resetResults() throws SQLException {
        super.resetResults();
    }

    private boolean run() throws SQLException {
        checkOpen();
        resetResults();
        StatementInfo.Kind kind = info.kind();
        if (kind == StatementInfo.Kind.READ || kind == StatementInfo.Kind.PRIMARY_READ) {
            ShardConnection session = sessionForRead(info, sql, routingValues(), types, count);
            if (session == null) return true;
            if (info.callsUnknownFunction()) {
                return session.mayWrite(c -> executeOnPrimary(session));
            }
            return read(session);
        }
        boxed();
        switch (kind) {
            case DDL -> {
                if (count > 0) throw new SQLFeatureNotSupportedException("DDL with parameters is not supported", "0A000");
                return connection.executeDdl(info);
            }
            case SESSION -> {
                return connection.executeSession(count > 0 ? sessionSqlWithLiterals() : sql);
            }
            case TRANSACTION -> {
                connection.executeTransactionStatement(info);
                return false;
            }
            default -> {
                return write();
            }
        }
    }

    /** The parameters the shard router reads: boxed only when there is a router to read them. */
    private Object[] routingValues() {
        return connection.runtime.sharded ? boxed() : values;
    }

    /**
     * Runs a read on the node the session routes it to ({@code execute} on the physical statement;
     * {@link #executeQuery} has its own copy of this for SELECTs). A replica that fails before
     * returning anything is ejected and the read runs elsewhere (outside a transaction only; see
     * {@link ShardConnection#readFailed}).
     *
     * @return the JDBC {@code execute} result: true if the result is a ResultSet
     */
    private boolean read(ShardConnection session) throws SQLException {
        while (true) {
            int slot = session.readSlot(info);
            try {
                PreparedStatement ps = cachedFor(session, slot);
                boolean r;
                try {
                    bindParameters(ps);
                    current = ps;
                    ownsCurrent = false;
                    r = ps.execute();
                } catch (SQLException e) {
                    if (!closedBehindOurBack(ps, e)) throw e;
                    ps = physicalFor(session, slot);
                    bindParameters(ps);
                    current = ps;
                    r = ps.execute();
                }
                if (r) wrap(ps.getResultSet());
                session.readSucceeded(slot);
                return r;
            } catch (SQLException e) {
                // a replica that fails before returning anything: eject it, read elsewhere
                current = null;
                if (!session.readFailed(slot, e)) throw ShardConnection.classified(e);
            }
        }
    }

    /**
     * Whether an execution on the cached statement {@code ps} failed because it was closed behind
     * Shardline's back (by the pool or the driver): the read path does not ask {@code isClosed()}
     * (a call through the pool's proxy) before every execution, only after a failure; the caller
     * then prepares it again and runs the read on the new one, as when it was asked before. A
     * connection failure is never that: it is left to ejection and retry elsewhere.
     */
    private boolean closedBehindOurBack(PreparedStatement ps, SQLException e) {
        if (ReplicaApplier.isTransient(e)) return false;
        try {
            return ps.isClosed();
        } catch (SQLException ignored) {
            return true;
        }
    }

    /**
     * Binds this statement's parameters to a physical statement with exactly the setter calls
     * {@link LogEntryCodec#bind} makes for the recorded values (a primitive with its own setter).
     */
    private void bindParameters(PreparedStatement ps) throws SQLException {
        Object[] v = values;
        int[] t = types;
        byte[] k = primitiveKinds;
        long[] p = primitives;
        for (int i = 0; i < count; i++) {
            int index = i + 1;
            switch (k[i]) {
                case P_OBJECT -> LogEntryCodec.bind(ps, index, v[i], t[i]);
                case P_LONG -> ps.setLong(index, p[i]);
                case P_INT -> ps.setInt(index, (int) p[i]);
                case P_SHORT -> ps.setShort(index, (short) p[i]);
                case P_BYTE -> ps.setByte(index, (byte) p[i]);
                case P_BOOLEAN -> ps.setBoolean(index, p[i] != 0);
                case P_FLOAT -> ps.setFloat(index, Float.intBitsToFloat((int) p[i]));
                case P_DOUBLE -> ps.setDouble(index, Double.longBitsToDouble(p[i]));
                default -> throw new IllegalStateException("parameter kind " + k[i]);
            }
        }
    }

    /**
     * The parameter values as objects: the primitives held unboxed are boxed into
     * {@link #values} (the very objects {@code set(i, x)} recorded when every setter boxed) and
     * held as objects from now on, until set again.
     */
    private Object[] boxed() {
        if (!unboxed) return values;
        byte[] k = primitiveKinds;
        long[] p = primitives;
        for (int i = 0; i < count; i++) {
            Object o;
            switch (k[i]) {
                case P_OBJECT -> {
                    continue;
                }
                case P_LONG -> o = Long.valueOf(p[i]);
                case P_INT -> o = Integer.valueOf((int) p[i]);
                case P_SHORT -> o = Short.valueOf((short) p[i]);
                case P_BYTE -> o = Byte.valueOf((byte) p[i]);
                case P_BOOLEAN -> o = Boolean.valueOf(p[i] != 0);
                case P_FLOAT -> o = Float.valueOf(Float.intBitsToFloat((int) p[i]));
                case P_DOUBLE -> o = Double.valueOf(Double.longBitsToDouble(p[i]));
                default -> throw new IllegalStateException("parameter kind " + k[i]);
            }
            values[i] = o;
            k[i] = P_OBJECT;
        }
        unboxed = false;
        return values;
    }

    /**
     * The SET statement with its bound parameters written in as literals, so that it can be run on
     * every physical connection and replayed on those opened later (Flyway restores session
     * variables with {@code SET @@foreign_key_checks=?, @@sql_safe_updates=?}). Only NULL, booleans,
     * numbers and plain strings (no quotes or backslashes) are inlined; anything else is refused.
     */
    private String sessionSqlWithLiterals() throws SQLException {
        StringBuilder out = new StringBuilder(sql.length() + 8 * count);
        int next = 0;
        int n = sql.length();
        for (int i = 0; i < n; i++) {
            char ch = sql.charAt(i);
            int end = -1;
            if (ch == '\'' || ch == '"' || ch == '`') {
                end = sql.indexOf(ch, i + 1);
            } else if (ch == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                end = sql.indexOf('\n', i);
            } else if (ch == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                end = sql.indexOf("*/", i + 2);
                if (end >= 0) end++;
            } else if (ch == '?') {
                if (next >= count) break;
                out.append(sessionLiteral(values[next++]));
                continue;
            } else {
                out.append(ch);
                continue;
            }
            if (end < 0) end = n - 1;
            out.append(sql, i, end + 1);
            i = end;
        }
        if (next != count) {
            throw new SQLException(count + " parameters bound but " + next + " used: " + StatementInfo.abbreviate(sql), "07001");
        }
        return out.toString();
    }

    private static String sessionLiteral(Object v) throws SQLException {
        if (v == null) return "NULL";
        if (v instanceof Boolean b) return b ? "TRUE" : "FALSE";
        if (v instanceof BigDecimal d) return d.toPlainString();
        if (v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long
                || v instanceof java.math.BigInteger) {
            return v.toString();
        }
        if (v instanceof String s && s.matches("[\\w .,:;+*/=@#%-]*")) return "'" + s + "'";
        throw new SQLFeatureNotSupportedException("SET with a parameter of type " + v.getClass().getName()
                + " (or a string with quotes or backslashes) is not supported", "0A000");
    }

    private boolean write() throws SQLException {
        ShardlineRuntime rt = connection.runtime;
        if (rt.sharded || !rt.keyGenerated.isEmpty()) boxed(); // routing reads the values as objects
        ShardConnection session = sessionForWrite(info, sql, values, types, count);
        if (session == null) return false;
        return session.write(info, c -> executeOnPrimary(session));
    }

    /** Runs the statement on the session's primary with its parameters bound; the work of {@link ShardConnection#write}. */
    private boolean executeOnPrimary(ShardConnection session) throws SQLException {
        PreparedStatement ps = physicalFor(session, 0);
        bindParameters(ps);
        current = ps;
        ownsCurrent = false;
        boolean r = ps.execute();
        if (r) wrap(ps.getResultSet());
        return r;
    }

    /**
     * A replica-eligible SELECT (it provably returns rows) runs with {@code executeQuery} directly
     * on the cached physical statement; everything else through {@link #run}. The hot path is
     * written out here rather than shared with {@link #read}: every call level it saves keeps the
     * physical driver's own calls within the JIT's inlining depth, as they are for a direct caller.
     */
    @Override
    public ResultSet executeQuery() throws SQLException {
        if (info.kind() != StatementInfo.Kind.READ) {
            if (!run()) {
                throw new SQLException("statement did not return a result set: " + StatementInfo.abbreviate(sql), "02000");
            }
            return currentResultSet;
        }
        checkOpen();
        resetResults();
        ShardConnection session = connection.runtime.sharded ? sessionForRead(info, sql, boxed(), types, count)
                : connection.defaultSession();
        if (session == null) return currentResultSet; // scattered and merged
        while (true) {
            int slot = session.readSlot(info);
            try {
                PreparedStatement ps = cachedFor(session, slot);
                ResultSet rs;
                try {
                    bindParameters(ps);
                    current = ps;
                    ownsCurrent = false;
                    rs = ps.executeQuery();
                } catch (SQLException e) {
                    if (!closedBehindOurBack(ps, e)) throw e;
                    ps = physicalFor(session, slot);
                    bindParameters(ps);
                    current = ps;
                    rs = ps.executeQuery();
                }
                session.readSucceeded(slot);
                return wrap(rs);
            } catch (SQLException e) {
                // a replica that fails before returning anything: eject it, read elsewhere
                current = null;
                if (!session.readFailed(slot, e)) throw ShardConnection.classified(e);
            }
        }
    }

    @Override
    public int executeUpdate() throws SQLException {
        run();
        return (int) updateCountOrZero();
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        run();
        return updateCountOrZero();
    }

    @Override
    public boolean execute() throws SQLException {
        return run();
    }

    @Override
    public void addBatch() throws SQLException {
        checkOpen();
        boxed();
        if (batchValues == null) {
            batchValues = new ArrayList<>();
            batchTypes = new ArrayList<>();
        }
        batchValues.add(Arrays.copyOf(values, count));
        batchTypes.add(Arrays.copyOf(types, count));
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        if (batchValues != null) {
            batchValues.clear();
            batchTypes.clear();
        }
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        resetResults();
        List<Object[]> rows = batchValues == null ? List.of() : new ArrayList<>(batchValues);
        List<int[]> rowTypes = batchTypes == null ? List.of() : new ArrayList<>(batchTypes);
        clearBatch();
        if (rows.isEmpty()) return new long[0];
        if (info.kind() != StatementInfo.Kind.WRITE) {
            // batches of DDL or queries are unusual: run them one by one through the normal path
            long[] counts = new long[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                restore(rows.get(i), rowTypes.get(i));
                run();
                counts[i] = updateCountOrZero();
            }
            return counts;
        }
        ShardlineRuntime rt = connection.runtime;
        ShardConnection session = connection.defaultSession();
        if (ShardedExecution.keyGeneratorFor(rt, info) != null) {
            // the key generator fills the key column of each row first: the shard depends on it
            return batchRowByRow(rows, rowTypes);
        }
        if (rt.sharded) {
            int target = commonShard(rows);
            if (target < 0) return batchRowByRow(rows, rowTypes);
            session = connection.session(target);
        }
        ShardConnection target = session;
        return session.write(info, c -> {
            PreparedStatement ps = physicalFor(target, 0);
            for (int i = 0; i < rows.size(); i++) {
                Object[] v = rows.get(i);
                LogEntryCodec.bind(ps, v, rowTypes.get(i), v.length);
                ps.addBatch();
            }
            current = ps;
            ownsCurrent = false;
            return ps.executeLargeBatch();
        });
    }

    /** The one shard every row of the batch goes to directly, or -1 when they need different handling. */
    private int commonShard(List<Object[]> rows) throws SQLException {
        int shard = -1;
        for (Object[] row : rows) {
            ShardRoute route = connection.runtime.router.route(info, row);
            if (!ShardlineConnection.direct(route, sql)) return -1;
            int s = route.shards()[0];
            if (shard >= 0 && s != shard) return -1;
            shard = s;
        }
        return shard;
    }

    /**
     * A batch whose rows go to different shards (or need generated keys): each row runs as its own
     * execution, routed on its own. Generated keys are returned in the caller's row order.
     */
    private long[] batchRowByRow(List<Object[]> rows, List<int[]> rowTypes) throws SQLException {
        long[] counts = new long[rows.size()];
        List<Long> keys = new ArrayList<>();
        String keyColumn = null;
        for (int i = 0; i < rows.size(); i++) {
            try {
                restore(rows.get(i), rowTypes.get(i));
                resetResults();
                write();
                counts[i] = updateCountOrZero();
                if (capturedKeys != null) {
                    keyColumn = capturedKeys.getMetaData().getColumnLabel(1);
                    while (capturedKeys.next()) keys.add(capturedKeys.getLong(1));
                }
            } catch (SQLException e) {
                int[] done = new int[i];
                for (int k = 0; k < i; k++) done[k] = (int) counts[k];
                throw new BatchUpdateException(e.getMessage(), e.getSQLState(), e.getErrorCode(), done, e);
            }
        }
        if (keyColumn != null) capturedKeys = ShardedExecution.keysResultSet(this, keyColumn, keys);
        return counts;
    }

    private void restore(Object[] v, int[] t) {
        clearValues();
        System.arraycopy(v, 0, values, 0, v.length);
        System.arraycopy(t, 0, types, 0, t.length);
        count = v.length;
    }

    @Override
    public void close() throws SQLException {
        if (isClosed()) return;
        SQLException failure = null;
        try {
            super.close();
        } catch (SQLException e) {
            failure = e;
        }
        if (scatter != null) {
            for (PreparedStatement[] shardStatements : scatter) {
                for (PreparedStatement ps : shardStatements) {
                    if (ps == null) continue;
                    try {
                        ps.close();
                    } catch (SQLException e) {
                        if (failure == null) failure = e;
                    }
                }
            }
            scatter = null;
        }
        for (int k = 0; k < physical.length; k++) {
            PreparedStatement[] shardStatements = physical[k];
            for (int i = 0; i < shardStatements.length; i++) {
                if (shardStatements[i] != null) {
                    try {
                        shardStatements[i].close();
                    } catch (SQLException e) {
                        if (failure == null) failure = e;
                    }
                    shardStatements[i] = null;
                    physicalOn[k][i] = null;
                }
            }
        }
        if (failure != null) throw failure;
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        if (currentResultSet != null) return currentResultSet.getMetaData();
        connection.primary();
        return physicalFor(connection.defaultSession(), 0).getMetaData();
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        checkOpen();
        connection.primary();
        return physicalFor(connection.defaultSession(), 0).getParameterMetaData();
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        super.setMaxRows(max);
        for (PreparedStatement[] shardStatements : physical) {
            for (PreparedStatement ps : shardStatements) if (ps != null) ps.setMaxRows(max);
        }
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        super.setFetchSize(rows);
        for (PreparedStatement[] shardStatements : physical) {
            for (PreparedStatement ps : shardStatements) if (ps != null) ps.setFetchSize(rows);
        }
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        super.setQueryTimeout(seconds);
        for (PreparedStatement[] shardStatements : physical) {
            for (PreparedStatement ps : shardStatements) if (ps != null) ps.setQueryTimeout(seconds);
        }
    }

    // ------------------------------------------------------------------ parameters

    private void set(int index, Object value, int sqlType) throws SQLException {
        slot(index);
        values[index - 1] = value;
        types[index - 1] = sqlType;
        primitiveKinds[index - 1] = P_OBJECT;
        if (index > count) count = index;
    }

    /** Records a primitive parameter unboxed (no explicit SQL type, like the boxing setters). */
    private void setPrimitive(int index, byte kind, long value) throws SQLException {
        slot(index);
        values[index - 1] = null;
        types[index - 1] = LoggedStatement.NO_TYPE;
        primitiveKinds[index - 1] = kind;
        primitives[index - 1] = value;
        unboxed = true;
        if (index > count) count = index;
    }

    /** Checks that parameter {@code index} may be set, growing the arrays to hold it. */
    private void slot(int index) throws SQLException {
        checkOpen();
        if (index < 1) throw new SQLException("parameter index " + index + " is out of range", "22023");
        if (index > values.length) {
            int n = Math.max(index, values.length * 2);
            values = Arrays.copyOf(values, n);
            int old = types.length;
            types = Arrays.copyOf(types, n);
            Arrays.fill(types, old, n, LoggedStatement.NO_TYPE);
            primitiveKinds = Arrays.copyOf(primitiveKinds, n);
            primitives = Arrays.copyOf(primitives, n);
        }
    }

    private void set(int index, Object value) throws SQLException {
        set(index, value, LoggedStatement.NO_TYPE);
    }

    private void clearValues() {
        Arrays.fill(values, null);
        Arrays.fill(types, LoggedStatement.NO_TYPE);
        Arrays.fill(primitiveKinds, P_OBJECT);
        unboxed = false;
        count = 0;
    }

    @Override
    public void clearParameters() throws SQLException {
        checkOpen();
        clearValues();
    }

    @Override
    public void setNull(int i, int sqlType) throws SQLException {
        set(i, null, sqlType);
    }

    @Override
    public void setNull(int i, int sqlType, String typeName) throws SQLException {
        set(i, null, sqlType);
    }

    @Override
    public void setBoolean(int i, boolean x) throws SQLException {
        setPrimitive(i, P_BOOLEAN, x ? 1 : 0);
    }

    @Override
    public void setByte(int i, byte x) throws SQLException {
        setPrimitive(i, P_BYTE, x);
    }

    @Override
    public void setShort(int i, short x) throws SQLException {
        setPrimitive(i, P_SHORT, x);
    }

    @Override
    public void setInt(int i, int x) throws SQLException {
        setPrimitive(i, P_INT, x);
    }

    @Override
    public void setLong(int i, long x) throws SQLException {
        setPrimitive(i, P_LONG, x);
    }

    @Override
    public void setFloat(int i, float x) throws SQLException {
        setPrimitive(i, P_FLOAT, Float.floatToRawIntBits(x));
    }

    @Override
    public void setDouble(int i, double x) throws SQLException {
        setPrimitive(i, P_DOUBLE, Double.doubleToRawLongBits(x));
    }

    @Override
    public void setBigDecimal(int i, BigDecimal x) throws SQLException {
        set(i, x);
    }

    @Override
    public void setString(int i, String x) throws SQLException {
        set(i, x);
    }

    @Override
    public void setNString(int i, String x) throws SQLException {
        set(i, x);
    }

    @Override
    public void setBytes(int i, byte[] x) throws SQLException {
        set(i, x == null ? null : x.clone());
    }

    @Override
    public void setDate(int i, Date x) throws SQLException {
        set(i, x == null ? null : new Date(x.getTime()));
    }

    @Override
    public void setTime(int i, Time x) throws SQLException {
        set(i, x == null ? null : new Time(x.getTime()));
    }

    @Override
    public void setTimestamp(int i, Timestamp x) throws SQLException {
        set(i, x == null ? null : copy(x));
    }

    private static Timestamp copy(Timestamp x) {
        Timestamp t = new Timestamp(x.getTime());
        t.setNanos(x.getNanos());
        return t;
    }

    /*
     * With a Calendar, the driver writes the wall-clock time of the instant in the calendar's zone.
     * Shardline records that wall-clock value (and binds it without the calendar), so the primary and
     * the replicas receive the same value whatever their JVM's default zone.
     */
    @Override
    public void setDate(int i, Date x, Calendar cal) throws SQLException {
        if (x == null || cal == null) {
            setDate(i, x);
            return;
        }
        // java.sql.Date.toInstant() throws: the instant is its milliseconds
        set(i, Date.valueOf(java.time.Instant.ofEpochMilli(x.getTime()).atZone(zone(cal)).toLocalDate()));
    }

    @Override
    public void setTime(int i, Time x, Calendar cal) throws SQLException {
        if (x == null || cal == null) {
            setTime(i, x);
            return;
        }
        set(i, Time.valueOf(java.time.Instant.ofEpochMilli(x.getTime()).atZone(zone(cal)).toLocalTime()));
    }

    @Override
    public void setTimestamp(int i, Timestamp x, Calendar cal) throws SQLException {
        if (x == null || cal == null) {
            setTimestamp(i, x);
            return;
        }
        set(i, Timestamp.valueOf(LocalDateTime.ofInstant(x.toInstant(), zone(cal))));
    }

    private static ZoneId zone(Calendar cal) {
        return cal.getTimeZone().toZoneId();
    }

    @Override
    public void setObject(int i, Object x, int targetSqlType) throws SQLException {
        set(i, x, x == null ? targetSqlType : targetSqlType);
    }

    @Override
    public void setObject(int i, Object x, int targetSqlType, int scaleOrLength) throws SQLException {
        if (x instanceof BigDecimal d && (targetSqlType == java.sql.Types.DECIMAL || targetSqlType == java.sql.Types.NUMERIC)) {
            x = d.setScale(scaleOrLength, java.math.RoundingMode.HALF_UP);
        }
        set(i, x, targetSqlType);
    }

    @Override
    public void setObject(int i, Object x) throws SQLException {
        if (x instanceof Timestamp t) setTimestamp(i, t);
        else if (x instanceof java.sql.Date d) setDate(i, d);
        else if (x instanceof Time t) setTime(i, t);
        else if (x instanceof byte[] b) setBytes(i, b);
        else set(i, x);
    }

    @Override
    public void setObject(int i, Object x, SQLType targetSqlType, int scaleOrLength) throws SQLException {
        setObject(i, x, vendorType(targetSqlType), scaleOrLength);
    }

    @Override
    public void setObject(int i, Object x, SQLType targetSqlType) throws SQLException {
        setObject(i, x, vendorType(targetSqlType));
    }

    private static int vendorType(SQLType t) throws SQLException {
        Integer v = t.getVendorTypeNumber();
        if (v == null) throw new SQLFeatureNotSupportedException("SQL type " + t.getName() + " has no JDBC type number", "0A000");
        return v;
    }

    @Override
    public void setAsciiStream(int i, InputStream x, int length) throws SQLException {
        set(i, x == null ? null : new String(readBytes(x, length), StandardCharsets.US_ASCII));
    }

    @Override
    public void setAsciiStream(int i, InputStream x, long length) throws SQLException {
        set(i, x == null ? null : new String(readBytes(x, length), StandardCharsets.US_ASCII));
    }

    @Override
    public void setAsciiStream(int i, InputStream x) throws SQLException {
        set(i, x == null ? null : new String(readBytes(x, -1), StandardCharsets.US_ASCII));
    }

    @Override
    @Deprecated
    public void setUnicodeStream(int i, InputStream x, int length) throws SQLException {
        set(i, x == null ? null : new String(readBytes(x, length), StandardCharsets.UTF_16BE));
    }

    @Override
    public void setBinaryStream(int i, InputStream x, int length) throws SQLException {
        set(i, x == null ? null : readBytes(x, length));
    }

    @Override
    public void setBinaryStream(int i, InputStream x, long length) throws SQLException {
        set(i, x == null ? null : readBytes(x, length));
    }

    @Override
    public void setBinaryStream(int i, InputStream x) throws SQLException {
        set(i, x == null ? null : readBytes(x, -1));
    }

    @Override
    public void setCharacterStream(int i, Reader r, int length) throws SQLException {
        set(i, r == null ? null : readChars(r, length));
    }

    @Override
    public void setCharacterStream(int i, Reader r, long length) throws SQLException {
        set(i, r == null ? null : readChars(r, length));
    }

    @Override
    public void setCharacterStream(int i, Reader r) throws SQLException {
        set(i, r == null ? null : readChars(r, -1));
    }

    @Override
    public void setNCharacterStream(int i, Reader r, long length) throws SQLException {
        setCharacterStream(i, r, length);
    }

    @Override
    public void setNCharacterStream(int i, Reader r) throws SQLException {
        setCharacterStream(i, r);
    }

    @Override
    public void setBlob(int i, Blob x) throws SQLException {
        set(i, x == null ? null : x.getBytes(1, (int) x.length()));
    }

    @Override
    public void setBlob(int i, InputStream x, long length) throws SQLException {
        setBinaryStream(i, x, length);
    }

    @Override
    public void setBlob(int i, InputStream x) throws SQLException {
        setBinaryStream(i, x);
    }

    @Override
    public void setClob(int i, Clob x) throws SQLException {
        set(i, x == null ? null : x.getSubString(1, (int) x.length()));
    }

    @Override
    public void setClob(int i, Reader r, long length) throws SQLException {
        setCharacterStream(i, r, length);
    }

    @Override
    public void setClob(int i, Reader r) throws SQLException {
        setCharacterStream(i, r);
    }

    @Override
    public void setNClob(int i, NClob x) throws SQLException {
        setClob(i, x);
    }

    @Override
    public void setNClob(int i, Reader r, long length) throws SQLException {
        setCharacterStream(i, r, length);
    }

    @Override
    public void setNClob(int i, Reader r) throws SQLException {
        setCharacterStream(i, r);
    }

    @Override
    public void setURL(int i, URL x) throws SQLException {
        set(i, x == null ? null : x.toExternalForm());
    }

    @Override
    public void setRef(int i, Ref x) throws SQLException {
        throw unsupportedParameter("REF");
    }

    @Override
    public void setArray(int i, Array x) throws SQLException {
        throw unsupportedParameter("ARRAY");
    }

    @Override
    public void setRowId(int i, RowId x) throws SQLException {
        throw unsupportedParameter("ROWID");
    }

    @Override
    public void setSQLXML(int i, SQLXML x) throws SQLException {
        set(i, x == null ? null : x.getString());
    }

    private static SQLFeatureNotSupportedException unsupportedParameter(String type) {
        return new SQLFeatureNotSupportedException(type + " parameters are not supported by Shardline: they cannot be"
                + " recorded for replication", "0A000");
    }

    private static byte[] readBytes(InputStream in, long length) throws SQLException {
        try {
            if (length >= 0) return in.readNBytes((int) Math.min(length, Integer.MAX_VALUE));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new SQLException("reading a stream parameter failed: " + e.getMessage(), "22000", e);
        }
    }

    private static String readChars(Reader r, long length) throws SQLException {
        try {
            StringWriter w = new StringWriter();
            if (length < 0) {
                r.transferTo(w);
            } else {
                char[] buf = new char[8192];
                long left = length;
                while (left > 0) {
                    int n = r.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) break;
                    w.write(buf, 0, n);
                    left -= n;
                }
            }
            return w.toString();
        } catch (IOException e) {
            throw new SQLException("reading a character stream parameter failed: " + e.getMessage(), "22000", e);
        }
    }

    // ------------------------------------------------------------------ plain-SQL methods are illegal here

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        throw new SQLException("executeQuery(String) cannot be called on a PreparedStatement", "HY000");
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        throw new SQLException("executeUpdate(String) cannot be called on a PreparedStatement", "HY000");
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        throw new SQLException("execute(String) cannot be called on a PreparedStatement", "HY000");
    }

    @Override
    public void addBatch(String sql) throws SQLException {
        throw new SQLException("addBatch(String) cannot be called on a PreparedStatement", "HY000");
    }
}
