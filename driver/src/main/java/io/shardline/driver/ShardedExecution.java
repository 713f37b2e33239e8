package io.shardline.driver;

import io.shardline.driver.merge.MergedResultSet;

import io.shardline.replication.log.LogEntryCodec;
import io.shardline.replication.log.LoggedStatement;
import io.shardline.routing.sql.InsertRows;
import io.shardline.routing.shard.ShardRoute;
import io.shardline.routing.sql.StatementInfo;
import io.shardline.routing.Topology;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import javax.sql.rowset.CachedRowSet;
import javax.sql.rowset.RowSetMetaDataImpl;
import javax.sql.rowset.RowSetProvider;

/**
 * Executions that involve more than one shard, or a shard-specific rewrite of the SQL: a SELECT
 * scattered over several shards and merged, a write to a broadcast table, an UPDATE/DELETE without
 * the shard key, an INSERT whose rows belong to different shards. The common case — a statement
 * routed to one shard unchanged — never comes here: it runs on the cached physical statement of
 * that shard.
 *
 * <p>Every part runs in the owning connection's session with that shard, so each shard's writes
 * reach that shard's log in that shard's primary transaction, exactly as in the one-shard case.
 */
final class ShardedExecution {

    private ShardedExecution() {
    }

    /** The statement's parameters without those the route folded into its SQL. */
    static Object[] kept(Object[] values, int count, int[] drop) {
        if (drop.length == 0) return Arrays.copyOf(values, count);
        Object[] out = new Object[count - drop.length];
        int k = 0;
        for (int i = 0; i < count; i++) if (Arrays.binarySearch(drop, i + 1) < 0) out[k++] = values[i];
        return out;
    }

    static int[] keptTypes(int[] types, int count, int[] drop) {
        if (drop.length == 0) return Arrays.copyOf(types, count);
        int[] out = new int[count - drop.length];
        int k = 0;
        for (int i = 0; i < count; i++) if (Arrays.binarySearch(drop, i + 1) < 0) out[k++] = types[i];
        return out;
    }

    /**
     * Runs a SELECT on the route's shards — in parallel when there are several — and hands the
     * owner one result: the merged one, or the single shard's.
     */
    static boolean query(ShardlineStatement owner, StatementInfo info, ShardRoute route, Object[] values, int[] types,
                         int count) throws SQLException {
        if (info.callsUnknownFunction()) {
            throw new SQLFeatureNotSupportedException("a query across shards that calls " + info.unknownFunction() + "(...),"
                    + " a function Shardline does not know to be free of side effects, is not supported: it may write, and"
                    + " then each shard's part would be a write of its own; give the query its shard key so that it runs on"
                    + " one shard: " + StatementInfo.abbreviate(info.sql()), "0A000");
        }
        ShardlineConnection conn = owner.connection;
        int[] drop = route.dropParameters();
        Object[] p = kept(values, count, drop);
        int[] t = keptTypes(types, count, drop);
        int n = route.shards().length;
        PreparedStatement[] statements = new PreparedStatement[n];
        // a prepared statement keeps its per-shard statements for the next execution; a plain
        // statement's are closed with its results
        ShardlinePreparedStatement cache = owner instanceof ShardlinePreparedStatement ps ? ps : null;
        ResultSet[] results = new ResultSet[n];
        // the connections are chosen on this thread (sessions are not thread-safe); only the
        // execution of the per-shard queries runs in parallel
        int[] slots = new int[n];
        ShardConnection[] sessions = new ShardConnection[n];
        try {
            for (int i = 0; i < n; i++) {
                sessions[i] = conn.session(route.shards()[i]);
                slots[i] = sessions[i].readSlot(info);
                statements[i] = cache != null ? cache.scatterStatement(sessions[i], slots[i], route.shardSql())
                        : prepare(owner, sessions[i].connection(slots[i]), route.shardSql());
                LogEntryCodec.bind(statements[i], p, t, p.length);
            }
            if (n == 1 || !conn.runtime.parallelScatter) {
                for (int i = 0; i < n; i++) results[i] = statements[i].executeQuery();
            } else {
                List<Future<ResultSet>> futures = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    PreparedStatement ps = statements[i];
                    Callable<ResultSet> call = ps::executeQuery;
                    futures.add(conn.runtime.scatter.submit(call));
                }
                for (int i = 0; i < n; i++) results[i] = await(futures.get(i));
            }
            for (int i = 0; i < n; i++) sessions[i].readSucceeded(slots[i]);
        } catch (SQLException | RuntimeException e) {
            if (cache == null) closeAll(statements, e);
            else closeAll(results, e);
            throw e;
        }
        ResultSet result = route.merge() == null ? results[0]
                : MergedResultSet.of(route.merge(), Arrays.asList(results), values, owner);
        owner.scatteredResult(cache == null ? new ArrayList<>(Arrays.asList(statements)) : null, -1);
        owner.wrap(result);
        return true;
    }

    private static <T> T await(Future<T> f) throws SQLException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a shard", "HY008", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException s) throw s;
            throw new SQLException("a shard query failed: " + e.getCause(), "HY000", e.getCause());
        }
    }

    static PreparedStatement prepare(ShardlineStatement owner, Connection c, String sql) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql, owner.resultSetType, owner.resultSetConcurrency,
                owner.resultSetHoldability);
        owner.configure(ps);
        return ps;
    }

    private static void closeAll(AutoCloseable[] statements, Exception cause) {
        for (AutoCloseable s : statements) {
            if (s == null) continue;
            try {
                s.close();
            } catch (Exception e) {
                cause.addSuppressed(e);
            }
        }
    }

    /**
     * A write on several shards: the same statement on each (broadcast table, UPDATE/DELETE
     * without the shard key), or an INSERT split by rows. Each part is a write of its shard's
     * session (its own log entry; in auto-commit mode its own commit).
     *
     * @return the summed update count
     */
    static long write(ShardlineStatement owner, StatementInfo info, ShardRoute route, Object[] values, int[] types,
                      int count) throws SQLException {
        ShardlineConnection conn = owner.connection;
        int[] drop = route.dropParameters();
        Object[] p = kept(values, count, drop);
        int[] t = keptTypes(types, count, drop);
        long total = 0;
        if (route.rowShards() != null && !route.broadcast() && route.shards().length > 1) {
            int[] rowShards = route.rowShards();
            // each shard generates the keys of its own rows: collected back into the caller's row order
            Long[] keyOfRow = new Long[rowShards.length];
            String keyColumn = null;
            for (int shard : route.shards()) {
                int[] rows = rowsOf(rowShards, shard);
                InsertRows.Subset sub = InsertRows.subset(info, rows);
                Object[] sp = new Object[sub.parameters().length];
                int[] st = new int[sp.length];
                for (int i = 0; i < sp.length; i++) {
                    sp[i] = values[sub.parameters()[i] - 1];
                    st[i] = types[sub.parameters()[i] - 1];
                }
                KeySink sink = new KeySink();
                total += writeOn(owner, conn.session(shard), conn.analyze(sub.sql()), sp, st, false, sink);
                if (sink.column != null && sink.keys.size() == rows.length) {
                    keyColumn = sink.column;
                    for (int i = 0; i < rows.length; i++) keyOfRow[rows[i]] = sink.keys.get(i);
                }
            }
            if (keyColumn != null) {
                List<Long> keys = new ArrayList<>();
                for (Long k : keyOfRow) if (k != null) keys.add(k);
                owner.capturedKeys = keysResultSet(owner, keyColumn, keys);
            }
        } else {
            boolean first = true;
            for (int shard : route.shards()) {
                StatementInfo shardInfo = route.shardSql().equals(info.sql()) ? info : conn.analyze(route.shardSql());
                long n = writeOn(owner, conn.session(shard), shardInfo, p, t, !first, null);
                // a broadcast write changes the same rows on every shard: report one shard's count
                total = route.broadcast() ? n : total + n;
                first = false;
            }
        }
        owner.scatteredResult(null, total);
        return total;
    }

    private static int[] rowsOf(int[] rowShards, int shard) {
        int n = 0;
        for (int s : rowShards) if (s == shard) n++;
        int[] rows = new int[n];
        int k = 0;
        for (int r = 0; r < rowShards.length; r++) if (rowShards[r] == shard) rows[k++] = r;
        return rows;
    }

    /** The keys one shard's part of a row-split INSERT generated, and their column. */
    private static final class KeySink {
        String column;
        final List<Long> keys = new ArrayList<>();
    }

    /** One shard's part of a write, through that shard's session ({@link ShardConnection#write}). */
    private static long writeOn(ShardlineStatement owner, ShardConnection session, StatementInfo info, Object[] p, int[] t,
                                boolean keepKeys, KeySink sink) throws SQLException {
        return session.write(info, c -> {
            ShardlineConnection conn = owner.connection;
            String identity = GeneratedKeys.identityColumnToCapture(conn, info, c);
            try (PreparedStatement ps = identity != null ? c.prepareStatement(info.sql(), Statement.RETURN_GENERATED_KEYS)
                    : c.prepareStatement(info.sql())) {
                owner.configure(ps); // the statement's settings (query timeout, max rows) on every shard
                LogEntryCodec.bind(ps, p, t, p.length);
                long n = ps.executeLargeUpdate();
                if (identity != null) {
                    GeneratedKeys.Captured k = GeneratedKeys.capture(ps.getGeneratedKeys(), identity, info.insertRows(), info);
                    if (sink != null) {
                        sink.column = identity;
                        for (Object key : k.keys()) sink.keys.add(((Number) key).longValue());
                    } else if (!keepKeys) {
                        owner.capturedKeys = new ShardlineResultSet(k.resultSet(), owner);
                    }
                }
                return n;
            }
        });
    }

    // ------------------------------------------------------------------ key generation

    /**
     * The table rule whose key generator must fill the key column of this INSERT (the column is
     * not listed), or null.
     */
    static Topology.TableRule keyGeneratorFor(ShardlineRuntime runtime, StatementInfo info) {
        if (!info.isInsert() || info.insertTable() == null || runtime.keyGenerated.isEmpty()) return null;
        String table = info.insertTable();
        int dot = table.lastIndexOf('.');
        if (dot >= 0) table = table.substring(dot + 1);
        Topology.TableRule rule = runtime.keyGenerated.get(table.replace("\"", "").replace("`", "").toLowerCase(Locale.ROOT));
        if (rule == null) return null;
        String column = rule.keyGeneratorColumn().toLowerCase(Locale.ROOT);
        // listed with a value: the application chose the key; listed with DEFAULT/NULL in every row
        // (Hibernate's IDENTITY form on H2) or not listed: Shardline generates it
        if (info.insertColumns().contains(column) && info.insertDefaultedRows(column) != info.insertRows()) return null;
        return rule;
    }

    /** An INSERT with generated key values bound in, and the keys for the application. */
    record Generated(StatementInfo info, Object[] values, int[] types, int count, List<Long> keys) {
    }

    /**
     * Adds the generated key column to the INSERT with a fresh snowflake id per row.
     *
     * @throws SQLFeatureNotSupportedException if the INSERT cannot take the column (not VALUES)
     */
    static Generated generateKeys(ShardlineConnection conn, Topology.TableRule rule, StatementInfo info, Object[] values,
                                  int[] types, int count) throws SQLException {
        StatementInfo.KeyInsertion ki;
        try {
            ki = info.keyInsertion(rule.keyGeneratorColumn());
        } catch (IllegalStateException e) {
            throw new SQLFeatureNotSupportedException("keyGenerator of " + rule.table() + " can fill "
                    + rule.keyGeneratorColumn() + " only in INSERT ... VALUES with a column list: "
                    + StatementInfo.abbreviate(info.sql()), "0A000", e);
        }
        int[] positions = ki.keyParameterPositions();
        int rows = positions.length;
        Object[] added = new Object[rows];
        List<Long> keys = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            long id = conn.runtime.snowflake.next();
            added[r] = id;
            keys.add(id);
        }
        Determinism.Bound merged = Determinism.merge(Arrays.copyOf(values, count), Arrays.copyOf(types, count),
                positions, added);
        Object[] v = merged.values();
        int[] t = merged.types();
        return new Generated(conn.analyze(ki.sql()), v, t, v.length, keys);
    }

    /** The generated keys as a result set with one column named after the key column. */
    static ResultSet keysResultSet(ShardlineStatement owner, String column, List<Long> keys) throws SQLException {
        CachedRowSet rows = RowSetProvider.newFactory().createCachedRowSet();
        RowSetMetaDataImpl md = new RowSetMetaDataImpl();
        md.setColumnCount(1);
        md.setColumnName(1, column.toUpperCase(Locale.ROOT));
        md.setColumnLabel(1, column.toUpperCase(Locale.ROOT));
        md.setColumnType(1, java.sql.Types.BIGINT);
        md.setColumnTypeName(1, "BIGINT");
        rows.setMetaData(md);
        for (Long k : keys) {
            rows.moveToInsertRow();
            rows.updateLong(1, k);
            rows.insertRow();
        }
        rows.moveToCurrentRow();
        rows.beforeFirst();
        return new ShardlineResultSet(rows, owner);
    }
}
