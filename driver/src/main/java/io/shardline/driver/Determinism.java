package io.shardline.driver;

import io.shardline.replication.log.Dialect;
import io.shardline.replication.log.LoggedStatement;
import io.shardline.routing.sql.StatementInfo;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Makes writes with non-deterministic values replayable: the values are evaluated once on the
 * primary, inside the write's transaction, and bound as parameters of a rewritten statement that
 * the primary executes and the replicas replay, so that every node stores the same values.
 *
 * <ul>
 *   <li>Non-deterministic calls in the statement ({@code NOW()}, {@code CURRENT_TIMESTAMP},
 *       {@code RAND()}, {@code UUID()}, ...) are replaced by {@code ?} ({@link StatementInfo#deterministic()}).</li>
 *   <li>Columns an INSERT omits whose DEFAULT is non-deterministic ({@code DEFAULT CURRENT_TIMESTAMP},
 *       {@code DEFAULT RANDOM_UUID()}) are added to the INSERT with a {@code ?} per row
 *       ({@link StatementInfo#withColumns(List)}).</li>
 * </ul>
 *
 * <p>All the values one execution (or one batch) needs come from {@code SELECT expr, ...} on the
 * primary: time functions once per execution (they are constant within a statement), per-row
 * functions once per call site and row. A statement with neither costs nothing: the decision comes
 * from the cached analysis and the cached per-table defaults.
 */
final class Determinism {

    /** Most expressions evaluated by one SELECT (per-row values of large batches are chunked). */
    static final int MAX_SELECT_EXPRESSIONS = 256;

    /**
     * A column whose DEFAULT is non-deterministic.
     *
     * @param column     its name as the metadata reports it
     * @param quoted     the name quoted for the primary's dialect
     * @param expression the DEFAULT expression (COLUMN_DEF)
     * @param perRow     whether it calls a per-row function (else only time functions)
     */
    record VolatileDefault(String column, String quoted, String expression, boolean perRow) {
    }

    /**
     * The statement to execute on the primary and to log, with one parameter array per execution
     * (one for a single execution, one per batch entry).
     */
    record Rewrite(StatementInfo info, List<Object[]> params, List<int[]> types) {
        String sql() {
            return info.sql();
        }
    }

    private Determinism() {
    }

    /**
     * Rewrites a write whose values would differ between nodes, evaluating the values on the
     * primary. Returns null (no round trip) when the statement needs nothing.
     *
     * @param rows     the bound parameters of each execution (an empty array for a plain statement)
     * @param rowTypes their SQL types
     * @throws SQLFeatureNotSupportedException if the statement cannot be made deterministic
     */
    static Rewrite rewrite(ShardlineConnection conn, StatementInfo info, Connection primary, List<Object[]> rows,
            List<int[]> rowTypes) throws SQLException {
        StatementInfo.Deterministic d = null;
        if (!info.nondeterministicFunctions().isEmpty()) {
            d = info.deterministic();
            if (d.refusal() != null) throw refused(d.refusal(), info);
            if (d.isEmpty()) d = null;
        }
        StatementInfo mid = d == null ? info : conn.analyze(d.sql());
        List<VolatileDefault> missing = missingDefaults(conn, mid, primary);
        if (d == null && missing.isEmpty()) return null;
        StatementInfo.ColumnInsertion ci = null;
        if (!missing.isEmpty()) {
            List<String> names = new ArrayList<>(missing.size());
            for (VolatileDefault v : missing) names.add(v.quoted());
            try {
                ci = mid.withColumns(names);
            } catch (IllegalStateException e) {
                throw new SQLFeatureNotSupportedException("this INSERT into " + mid.insertTable() + " leaves column(s) "
                        + columnList(missing) + " to a non-deterministic DEFAULT, which each node would evaluate itself,"
                        + " and it cannot be rewritten to bind them (only INSERT ... VALUES with a column list can);"
                        + " give them values explicitly: " + ShardlineConnection.abbreviate(info.sql()), "0A000", e);
            }
        }
        for (Object[] r : rows) {
            if (r.length != info.parameterCount()) {
                throw new SQLException(info.parameterCount() + " parameters expected but " + r.length + " bound: "
                        + ShardlineConnection.abbreviate(info.sql()), "07001");
            }
        }

        // plan: time expressions are evaluated once (shared by every row and execution), per-row ones per use
        List<String> shared = new ArrayList<>();
        Map<String, Integer> sharedIndex = new HashMap<>();
        List<String> perRow = new ArrayList<>();
        int n = rows.size();
        int[][] dRefs = new int[n][];
        int[][] cRefs = new int[n][];
        for (int b = 0; b < n; b++) {
            if (d != null) {
                dRefs[b] = new int[d.size()];
                for (int i = 0; i < d.size(); i++) {
                    dRefs[b][i] = ref(d.expression(i), d.perRow(i), shared, sharedIndex, perRow);
                }
            }
            if (ci != null) {
                int cols = missing.size();
                cRefs[b] = new int[ci.rowCount() * cols];
                for (int r = 0; r < ci.rowCount(); r++) {
                    for (int c = 0; c < cols; c++) {
                        VolatileDefault v = missing.get(c);
                        cRefs[b][r * cols + c] = ref(v.expression(), v.perRow(), shared, sharedIndex, perRow);
                    }
                }
            }
        }
        Object[] sharedValues = evaluate(primary, shared, info);
        Object[] rowValues = evaluate(primary, perRow, info);

        int[] dPositions = d == null ? null : d.parameterPositions();
        int[] cPositions = null;
        if (ci != null) {
            int cols = missing.size();
            cPositions = new int[ci.rowCount() * cols];
            for (int r = 0; r < ci.rowCount(); r++) {
                for (int c = 0; c < cols; c++) cPositions[r * cols + c] = ci.parameterPosition(r, c);
            }
        }
        List<Object[]> params = new ArrayList<>(n);
        List<int[]> types = new ArrayList<>(n);
        for (int b = 0; b < n; b++) {
            Object[] p = rows.get(b);
            int[] t = rowTypes.get(b);
            if (d != null) {
                Bound merged = merge(p, t, dPositions, values(dRefs[b], sharedValues, rowValues));
                p = merged.values();
                t = merged.types();
            }
            if (ci != null) {
                Bound merged = merge(p, t, cPositions, values(cRefs[b], sharedValues, rowValues));
                p = merged.values();
                t = merged.types();
            }
            params.add(p);
            types.add(t);
        }
        StatementInfo target = ci != null ? conn.analyze(ci.sql()) : mid;
        return new Rewrite(target, params, types);
    }

    /** A shared reference is encoded as {@code -(index + 1)}, a per-row one as its index. */
    private static int ref(String expr, boolean perRow, List<String> shared, Map<String, Integer> sharedIndex,
            List<String> rowExprs) {
        if (perRow) {
            rowExprs.add(expr);
            return rowExprs.size() - 1;
        }
        Integer i = sharedIndex.get(expr);
        if (i == null) {
            i = shared.size();
            shared.add(expr);
            sharedIndex.put(expr, i);
        }
        return -(i + 1);
    }

    private static Object[] values(int[] refs, Object[] sharedValues, Object[] rowValues) {
        Object[] v = new Object[refs.length];
        for (int i = 0; i < refs.length; i++) v[i] = refs[i] < 0 ? sharedValues[-refs[i] - 1] : rowValues[refs[i]];
        return v;
    }

    /** A statement's parameter values and their JDBC types ({@code LoggedStatement.NO_TYPE} where unknown), by position. */
    record Bound(Object[] values, int[] types) {
    }

    /**
     * Inserts {@code added} at the 1-based, increasing {@code positions} of the result, the base
     * parameters filling the other places in order.
     */
    static Bound merge(Object[] base, int[] baseTypes, int[] positions, Object[] added) {
        int total = base.length + positions.length;
        Object[] p = new Object[total];
        int[] t = new int[total];
        int k = 0;
        int src = 0;
        for (int i = 0; i < total; i++) {
            if (k < positions.length && positions[k] == i + 1) {
                p[i] = added[k++];
                t[i] = LoggedStatement.NO_TYPE;
            } else {
                p[i] = base[src];
                t[i] = baseTypes[src];
                src++;
            }
        }
        return new Bound(p, t);
    }

    /** Evaluates the expressions on the primary with {@code SELECT e1, e2, ...} (in chunks). */
    static Object[] evaluate(Connection primary, List<String> exprs, StatementInfo info) throws SQLException {
        Object[] out = new Object[exprs.size()];
        for (int from = 0; from < exprs.size(); from += MAX_SELECT_EXPRESSIONS) {
            int to = Math.min(exprs.size(), from + MAX_SELECT_EXPRESSIONS);
            String select = "SELECT " + String.join(", ", exprs.subList(from, to));
            try (Statement st = primary.createStatement(); ResultSet rs = st.executeQuery(select)) {
                if (!rs.next()) throw new SQLException("no row", "02000");
                for (int i = from; i < to; i++) out[i] = rs.getObject(i - from + 1);
            } catch (SQLException e) {
                throw new SQLException("evaluating the non-deterministic values of a write on the primary ("
                        + ShardlineConnection.abbreviate(select) + ") failed: " + e.getMessage() + "; statement: "
                        + ShardlineConnection.abbreviate(info.sql()), e.getSQLState(), e.getErrorCode(), e);
            }
        }
        return out;
    }

    private static List<VolatileDefault> missingDefaults(ShardlineConnection conn, StatementInfo info, Connection primary)
            throws SQLException {
        if (!info.isInsert() || info.insertTable() == null || info.insertColumns().isEmpty()) return List.of();
        List<VolatileDefault> all = conn.runtime.volatileDefaults(primary, info.insertTable());
        if (all.isEmpty()) return List.of();
        List<VolatileDefault> missing = null;
        for (VolatileDefault v : all) {
            if (info.insertColumns().contains(v.column().toLowerCase(Locale.ROOT))) continue;
            if (missing == null) missing = new ArrayList<>(all.size());
            missing.add(v);
        }
        return missing == null ? List.of() : missing;
    }

    private static String columnList(List<VolatileDefault> cols) {
        StringBuilder sb = new StringBuilder();
        for (VolatileDefault v : cols) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(v.column()).append(" (DEFAULT ").append(v.expression()).append(')');
        }
        return sb.toString();
    }

    static SQLFeatureNotSupportedException refused(String reason, StatementInfo info) {
        return new SQLFeatureNotSupportedException(reason + "; it would give each node a different value. Bind the"
                + " value as a parameter instead: " + ShardlineConnection.abbreviate(info.sql()), "0A000");
    }

    static String quote(String name, Dialect dialect) {
        if (dialect == Dialect.MYSQL) return '`' + name.replace("`", "``") + '`';
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
