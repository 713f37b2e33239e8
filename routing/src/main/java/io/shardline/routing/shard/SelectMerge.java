package io.shardline.routing.shard;

import java.util.List;

/**
 * How one SELECT that reaches several shards is run on each of them and how their rows combine
 * into the one result the application sees. Produced by {@link ShardRouter} (from the statement's
 * analysis), consumed by the driver's merged result set.
 *
 * <p>Column numbers are 1-based positions in the <em>shard</em> query's result; the shard query
 * may carry hidden columns after the {@link #visibleColumns()} the application asked for (an
 * ORDER BY expression not in the select list, the COUNT that turns a SUM into an AVG).
 *
 * @param visibleColumns how many leading columns the application sees; 0 when the select list has a
 *                       {@code *} whose width is unknown before execution (then every shard column is
 *                       visible and there are no hidden columns)
 * @param distinct       SELECT DISTINCT: duplicates across shards are removed (on the visible columns)
 * @param groupBy        columns forming the group key; empty when not grouped. With aggregates and no
 *                       GROUP BY the whole result is one group (one row, even when every shard is empty)
 * @param aggregates     how each aggregated column combines across shards
 * @param having         conditions on the merged groups, all of which must hold (AND); empty if none
 * @param orderBy        the final order; empty when the query has none
 * @param limit          rows to return after the offset, or null for no limit
 * @param offset         rows to skip after merging and ordering, or null
 */
public record SelectMerge(int visibleColumns, boolean distinct, int[] groupBy, List<AggregateColumn> aggregates,
                          List<Condition> having, List<SortKey> orderBy, Bound limit, Bound offset) {

    /** How a column's per-shard values combine. */
    public enum Aggregate {
        /** Sum of the shards' counts (a Long). */
        COUNT,
        /** Sum of the shards' sums (null when every shard's is null). */
        SUM,
        /** Smallest of the shards' values. */
        MIN,
        /** Largest of the shards' values. */
        MAX,
        /**
         * Sum of the shards' sums (in {@code column}) divided by the sum of their counts (in
         * {@code countColumn}); the shard query computes SUM and COUNT instead of AVG.
         */
        AVG
    }

    /**
     * An aggregated column.
     *
     * @param column      the column holding the per-shard value (for AVG: the per-shard SUM)
     * @param kind        how it combines
     * @param countColumn for AVG: the hidden column holding the per-shard COUNT; 0 otherwise
     */
    public record AggregateColumn(int column, Aggregate kind, int countColumn) {
    }

    /**
     * One sort key.
     *
     * @param column     the column to compare
     * @param ascending  ASC or DESC
     * @param nullsFirst whether NULL sorts before every value (in the merged order)
     */
    public record SortKey(int column, boolean ascending, boolean nullsFirst) {
    }

    /** A comparison operator of a HAVING condition. */
    public enum Operator {
        /** {@code =} */ EQ,
        /** {@code <>} */ NE,
        /** {@code <} */ LT,
        /** {@code <=} */ LE,
        /** {@code >} */ GT,
        /** {@code >=} */ GE
    }

    /**
     * A HAVING condition {@code <merged column> <op> <value>}.
     *
     * @param column the merged column compared (often a hidden aggregate column)
     * @param op     the comparison
     * @param value  the literal or parameter compared with
     */
    public record Condition(int column, Operator op, Bound value) {
    }

    /**
     * A value known from the SQL text or from a bound parameter.
     *
     * @param literal   the value, when written in the SQL (a Long, BigDecimal, String ...)
     * @param parameter the 1-based parameter position of the ORIGINAL statement, or 0 for a literal
     */
    public record Bound(Object literal, int parameter) {
        /** The value, taking parameters from the statement's bound values (index 0 = parameter 1). */
        public Object resolve(Object[] params) {
            return parameter > 0 ? params[parameter - 1] : literal;
        }
    }

    /** True when rows need no combining beyond concatenation (no order, grouping, distinct, limit). */
    public boolean isPlainUnion() {
        return !distinct && groupBy.length == 0 && aggregates.isEmpty() && orderBy.isEmpty() && limit == null && offset == null;
    }
}
