package io.shardline.replication.log;

import java.util.Arrays;
import java.util.Objects;

/**
 * One statement of a committed transaction as it is written to the replication log and replayed
 * on the replicas.
 *
 * <p>{@code params[i]} is the value bound to JDBC parameter {@code i + 1}; {@code sqlTypes[i]} is
 * the {@link java.sql.Types} code the application supplied with it ({@code setNull(i, type)} or
 * {@code setObject(i, x, type)}), or {@link #NO_TYPE} when it supplied none. Both arrays always
 * have the same length. The arrays are copied on construction and on access, so an instance is
 * immutable; {@link #equals}, {@link #hashCode} and {@link #toString} work on the arrays' contents.
 *
 * <p>The encoding of a list of these into the log payload is owned by {@link LogEntryCodec}.
 *
 * @param kind     whether the statement is DML (may have parameters) or DDL
 * @param sql      the SQL text exactly as it is to be executed on the replicas
 * @param params   the bound parameter values, index 0 = parameter 1 (never {@code null}; may be empty)
 * @param sqlTypes the explicit SQL type per parameter or {@link #NO_TYPE} (never {@code null})
 */
public record LoggedStatement(Kind kind, String sql, Object[] params, int[] sqlTypes) {

    /** Marks a parameter for which the application gave no explicit {@link java.sql.Types} code. */
    public static final int NO_TYPE = Integer.MIN_VALUE;

    private static final Object[] NO_PARAMS = new Object[0];
    private static final int[] NO_TYPES = new int[0];

    /** The kind of a logged statement. */
    public enum Kind {
        /** Data manipulation (INSERT/UPDATE/DELETE/MERGE ...), usually with bound parameters. */
        DML,
        /** Data definition (CREATE/ALTER/DROP ...). */
        DDL
    }

    /**
     * Validates and defensively copies. A {@code null} {@code params} means no parameters; a
     * {@code null} {@code sqlTypes} means {@link #NO_TYPE} for every parameter.
     *
     * @throws NullPointerException     if {@code kind} or {@code sql} is null
     * @throws IllegalArgumentException if {@code sqlTypes} and {@code params} differ in length
     */
    public LoggedStatement {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(sql, "sql");
        params = params == null || params.length == 0 ? NO_PARAMS : params.clone();
        if (sqlTypes == null) {
            sqlTypes = new int[params.length];
            Arrays.fill(sqlTypes, NO_TYPE);
        } else if (sqlTypes.length != params.length) {
            throw new IllegalArgumentException("sqlTypes has " + sqlTypes.length
                    + " entries but there are " + params.length + " parameters");
        } else {
            sqlTypes = sqlTypes.length == 0 ? NO_TYPES : sqlTypes.clone();
        }
    }

    /** A DML statement whose parameters carry no explicit SQL type. */
    public static LoggedStatement dml(String sql, Object... params) {
        return new LoggedStatement(Kind.DML, sql, params, null);
    }

    /** A DDL statement (no parameters). */
    public static LoggedStatement ddl(String sql) {
        return new LoggedStatement(Kind.DDL, sql, NO_PARAMS, NO_TYPES);
    }

    /** A copy of the bound values (index 0 = parameter 1). */
    @Override
    public Object[] params() {
        return params.length == 0 ? NO_PARAMS : params.clone();
    }

    /** A copy of the explicit SQL types (index 0 = parameter 1), {@link #NO_TYPE} where none. */
    @Override
    public int[] sqlTypes() {
        return sqlTypes.length == 0 ? NO_TYPES : sqlTypes.clone();
    }

    /** Number of bound parameters. */
    public int paramCount() {
        return params.length;
    }

    /** The value of parameter {@code index} (0-based), without copying the whole array. */
    public Object param(int index) {
        return params[index];
    }

    /** The explicit SQL type of parameter {@code index} (0-based) or {@link #NO_TYPE}. */
    public int sqlType(int index) {
        return sqlTypes[index];
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof LoggedStatement other
                && kind == other.kind
                && sql.equals(other.sql)
                && Arrays.deepEquals(params, other.params)
                && Arrays.equals(sqlTypes, other.sqlTypes);
    }

    @Override
    public int hashCode() {
        int h = kind.hashCode();
        h = 31 * h + sql.hashCode();
        h = 31 * h + Arrays.deepHashCode(params);
        h = 31 * h + Arrays.hashCode(sqlTypes);
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("LoggedStatement[").append(kind).append(' ').append(sql);
        if (params.length > 0) {
            sb.append(" params=").append(Arrays.deepToString(params));
            boolean anyType = false;
            for (int t : sqlTypes) {
                anyType |= t != NO_TYPE;
            }
            if (anyType) {
                sb.append(" sqlTypes=[");
                for (int i = 0; i < sqlTypes.length; i++) {
                    sb.append(i == 0 ? "" : ", ").append(sqlTypes[i] == NO_TYPE ? "-" : Integer.toString(sqlTypes[i]));
                }
                sb.append(']');
            }
        }
        return sb.append(']').toString();
    }
}
