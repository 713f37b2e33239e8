package io.shardline.driver.merge;

import io.shardline.replication.log.Dialect;
import io.shardline.routing.shard.SelectMerge;
import io.shardline.routing.shard.SelectMerge.AggregateColumn;
import io.shardline.routing.shard.SelectMerge.Condition;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Statement;
import java.sql.Time;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The one {@link ResultSet} an application sees for a SELECT that ran on several shards: it
 * combines the shards' results as the {@link SelectMerge} plan says. Read-only and forward-only;
 * updates and scrolling throw {@link SQLFeatureNotSupportedException}. Only the plan's
 * {@link SelectMerge#visibleColumns() visible columns} exist for the application (metadata column
 * count, getters, {@link #findColumn}); hidden columns after them (ORDER BY expressions, AVG's
 * COUNT) are used by the merge only.
 *
 * <h2>Shapes</h2>
 * <ul>
 * <li><b>Union</b> (no ORDER BY, grouping or aggregates): streams shard after shard, nothing is
 *     buffered. With LIMIT/OFFSET, rows are skipped / the stream stops early.</li>
 * <li><b>ORDER BY</b> (no grouping or aggregates): a streaming k-way merge over the shards' current
 *     rows (each shard's rows are already sorted by the same keys); ties keep shard order. OFFSET
 *     then LIMIT apply to the merged stream, and reading stops once the limit is reached.</li>
 * <li><b>DISTINCT</b> without grouping/aggregates: one of the two streams above, dropping rows whose
 *     visible values were already returned (a set of the rows returned so far is kept).</li>
 * <li><b>Aggregates / GROUP BY</b>: all shard rows are read, combined per group (one group when
 *     there is no GROUP BY — exactly one row even when every shard is empty: COUNT 0, the other
 *     aggregates NULL), then HAVING, DISTINCT, ORDER BY, OFFSET, LIMIT apply in that order.</li>
 * </ul>
 * In the streaming shapes getters delegate to the shard result set positioned on the current row
 * (so types and conversions are exactly the shard driver's); in the buffered shape values are the
 * shards' {@code getObject} values (CLOB/BLOB read into String/byte[]) converted by
 * {@link MergedValues}.
 *
 * <h2>Aggregates</h2>
 * <ul>
 * <li>COUNT: the sum of the shards' counts, a {@code Long}.</li>
 * <li>SUM: exact. Integral shard sums add as {@code long}; on overflow the sum becomes an exact
 *     {@link BigDecimal} (no error, no wrap-around; the metadata still reports the shard's type).
 *     Decimal sums add as BigDecimal (scale = the largest shard scale, which is the declared one);
 *     floating sums add as double ({@code Float} when every shard returned a Float) — floating
 *     addition in a different order may differ from one database's answer in the last bits.
 *     H2's DECFLOAT sums (H2 2.x sums DOUBLE columns as DECFLOAT) are rounded to the column's
 *     precision (HALF_UP) and normalized with {@link BigDecimal#stripTrailingZeros()} as H2 does.
 *     NULL when every shard's sum is NULL.</li>
 * <li>MIN / MAX: by {@link MergedValues#compare} (binary string order), NULLs ignored.</li>
 * <li>AVG = merged SUM / merged COUNT, computed to give what AVG returns on one database of the
 *     shards' dialect (detected from the first shard's connection; H2 rules when unknown). The
 *     shard SUM column's JDBC type decides:
 *   <ul>
 *   <li>H2 2.x (measured on 2.4.240): a BIGINT sum (AVG of TINYINT/SMALLINT/INTEGER) → DOUBLE
 *       {@code sum / (double) count}; a NUMERIC(p,s) sum (AVG of BIGINT/NUMERIC) → NUMERIC(p, s+10),
 *       {@code sum.divide(count, s + 10, HALF_DOWN)}; a DECFLOAT(p) sum (AVG of DOUBLE/DECFLOAT) →
 *       DECFLOAT(p), divided with {@code MathContext(p, HALF_UP)} and stripped of trailing zeros;
 *       a DOUBLE sum (AVG of REAL) → DOUBLE.</li>
 *   <li>MySQL/MariaDB: exact sums → DECIMAL with scale {@code s + 4}
 *       ({@code div_precision_increment}, default 4), HALF_UP; floating → DOUBLE.</li>
 *   <li>PostgreSQL: exact sums (int8 or numeric) → numeric with PostgreSQL's division scale
 *       ({@code select_div_scale}: at least 16 significant digits, at least the sum's scale),
 *       rounded half away from zero; floating → double.</li>
 *   </ul>
 *   NULL when the merged count is 0.</li>
 * </ul>
 *
 * <p>Comparison, grouping and DISTINCT equality: see {@link MergedValues} (numbers compare
 * numerically across classes, strings in binary order rather than the database collation).
 * HAVING conditions with a NULL side are not satisfied (SQL's UNKNOWN).
 *
 * <p>Column labels and types come from the first shard's metadata (so the shard query must alias
 * AVG's SUM column with the label the application expects); merged AVG columns report the type
 * returned.
 */
public final class MergedResultSet extends ReadOnlyResultSetBase {

    private final SelectMerge plan;
    private final List<ResultSet> shards;
    private final Object[] params;
    private final Statement owner;
    private final Dialect dialect;
    private final int visible;
    private final int width;
    private final boolean buffered;
    private final ResultSetMetaData shardMeta;
    private final Avg[] avg;
    private final int[] decfloatPrecision;
    private MergedResultSetMetaData meta;
    private String[] labels;
    private Runnable onClose;
    private int fetchSize;

    private boolean closed;
    private boolean started;
    private boolean exhausted;
    private boolean hadRow;
    private Boolean pending;
    private int row;
    private boolean lastNull;

    // streaming
    private ResultSet cursor;
    private int unionIndex;
    private PriorityQueue<Head> heap;
    private Head current;
    private long offset;
    private Long limit;
    private long skipped;
    private long returned;
    private Set<List<Object>> seen;

    // buffered
    private List<Object[]> rows;
    private int index;
    private Object[] values;

    /** How a merged AVG column divides. */
    private enum AvgRule { DOUBLE, H2_NUMERIC, H2_DECFLOAT, MYSQL, POSTGRES }

    private record Avg(AvgRule rule, int precision, int scale, MergedResultSetMetaData.Override type) {
    }

    private static final class Head {
        final ResultSet rs;
        final int shard;
        Object[] keys;

        Head(ResultSet rs, int shard) {
            this.rs = rs;
            this.shard = shard;
        }
    }

    /** Carries an SQLException out of a comparator. */
    private static final class Unchecked extends RuntimeException {
        Unchecked(SQLException e) {
            super(e);
        }
    }

    private MergedResultSet(SelectMerge plan, List<ResultSet> shards, Object[] params, Statement owner, Dialect dialect)
            throws SQLException {
        if (shards.isEmpty()) throw new SQLException("a merged result needs at least one shard result", "HY000");
        this.plan = plan;
        this.shards = List.copyOf(shards);
        this.params = params == null ? new Object[0] : params;
        this.owner = owner;
        this.dialect = dialect;
        this.visible = plan.visibleColumns();
        this.shardMeta = this.shards.get(0).getMetaData();
        this.width = shardMeta.getColumnCount();
        if (visible < 1 || visible > width) {
            throw new SQLException("merge plan shows " + visible + " columns but the shard query returns " + width, "HY000");
        }
        this.buffered = !plan.aggregates().isEmpty() || plan.groupBy().length > 0;
        this.avg = new Avg[width];
        this.decfloatPrecision = new int[width];
        for (int c = 1; c <= width; c++) {
            if ("DECFLOAT".equalsIgnoreCase(shardMeta.getColumnTypeName(c))) decfloatPrecision[c - 1] = shardMeta.getPrecision(c);
        }
        for (AggregateColumn a : plan.aggregates()) {
            check(a.column(), "aggregate");
            if (a.kind() == SelectMerge.Aggregate.AVG) {
                check(a.countColumn(), "AVG count");
                avg[a.column() - 1] = avgRule(a.column());
            }
        }
        for (int g : plan.groupBy()) check(g, "GROUP BY");
        for (SelectMerge.SortKey k : plan.orderBy()) check(k.column(), "ORDER BY");
        for (Condition h : plan.having()) check(h.column(), "HAVING");
    }

    private void check(int column, String what) throws SQLException {
        if (column < 1 || column > width) {
            throw new SQLException("merge plan's " + what + " column " + column + " is not in the shard query's "
                    + width + " columns", "HY000");
        }
    }

    /**
     * Merges the shards' results of one SELECT. The shard result sets must be positioned before
     * their first row; they are read by this result set only and closed by {@link #close()}.
     * The dialect (which decides AVG's type and scale) is detected from the first shard result's
     * statement's connection.
     *
     * @param plan         how the rows combine
     * @param shardResults one result per shard, of the same shard query (same columns)
     * @param params       the original statement's parameter values (index 0 = parameter 1), for
     *                     LIMIT / OFFSET / HAVING bounds; may be null without parameters
     * @param owner        what {@link #getStatement()} returns
     */
    public static MergedResultSet of(SelectMerge plan, List<ResultSet> shardResults, Object[] params, Statement owner)
            throws SQLException {
        return of(plan, shardResults, params, owner, detect(shardResults));
    }

    /** As {@link #of(SelectMerge, List, Object[], Statement)} with a known dialect (null: H2 rules). */
    public static MergedResultSet of(SelectMerge plan, List<ResultSet> shardResults, Object[] params, Statement owner,
                              Dialect dialect) throws SQLException {
        return new MergedResultSet(plan, shardResults, params, owner, dialect);
    }

    /** Runs {@code action} once when this result set closes (after the shard results closed). */
    MergedResultSet onClose(Runnable action) {
        this.onClose = action;
        return this;
    }

    private static Dialect detect(List<ResultSet> shardResults) {
        try {
            Statement s = shardResults.isEmpty() ? null : shardResults.get(0).getStatement();
            return s == null ? null : Dialect.of(s.getConnection());
        } catch (SQLException | RuntimeException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- AVG

    private Avg avgRule(int sumColumn) throws SQLException {
        int type = shardMeta.getColumnType(sumColumn);
        int precision = shardMeta.getPrecision(sumColumn);
        int scale = Math.max(0, shardMeta.getScale(sumColumn));
        boolean floating = type == Types.DOUBLE || type == Types.FLOAT || type == Types.REAL;
        boolean integral = type == Types.BIGINT || type == Types.INTEGER || type == Types.SMALLINT || type == Types.TINYINT;
        Dialect d = dialect == null ? Dialect.H2 : dialect;
        MergedResultSetMetaData.Override dbl = new MergedResultSetMetaData.Override(Types.DOUBLE,
                d == Dialect.H2 ? "DOUBLE PRECISION" : d == Dialect.MYSQL ? "DOUBLE" : "float8", Double.class.getName(),
                d == Dialect.H2 ? 53 : d == Dialect.MYSQL ? 22 : 17, 0, 25);
        if (floating) return new Avg(AvgRule.DOUBLE, 0, 0, dbl);
        switch (d) {
            case MYSQL -> {
                int p = Math.min(65, precision + 4);
                return new Avg(AvgRule.MYSQL, p, scale + 4, new MergedResultSetMetaData.Override(Types.DECIMAL, "DECIMAL",
                        BigDecimal.class.getName(), p, scale + 4, p + 2));
            }
            case POSTGRESQL -> {
                return new Avg(AvgRule.POSTGRES, 0, 0, new MergedResultSetMetaData.Override(Types.NUMERIC, "numeric",
                        BigDecimal.class.getName(), 0, 0, 131089));
            }
            default -> {
                if (integral) return new Avg(AvgRule.DOUBLE, 0, 0, dbl);
                if (decfloatPrecision[sumColumn - 1] > 0) {
                    return new Avg(AvgRule.H2_DECFLOAT, precision, 0, new MergedResultSetMetaData.Override(type, "DECFLOAT",
                            BigDecimal.class.getName(), precision, 0, shardMeta.getColumnDisplaySize(sumColumn)));
                }
                return new Avg(AvgRule.H2_NUMERIC, precision, scale + 10, new MergedResultSetMetaData.Override(Types.NUMERIC,
                        "NUMERIC", BigDecimal.class.getName(), precision, scale + 10, precision + 2));
            }
        }
    }

    private static Object average(Avg a, Object sum, Object count) {
        long n = count == null ? 0 : ((Number) count).longValue();
        if (sum == null || n == 0) return null;
        Number s = (Number) sum;
        if (a.rule() == AvgRule.DOUBLE || s instanceof Double || s instanceof Float) {
            if (s instanceof BigDecimal d) return d.divide(BigDecimal.valueOf(n), MathContext.DECIMAL128).doubleValue();
            return s.doubleValue() / n;
        }
        BigDecimal d = MergedValues.decimal(s);
        BigDecimal c = BigDecimal.valueOf(n);
        return switch (a.rule()) {
            case H2_NUMERIC -> d.divide(c, Math.max(d.scale(), a.scale() - 10) + 10, RoundingMode.HALF_DOWN);
            case H2_DECFLOAT -> d.divide(c, new MathContext(a.precision(), RoundingMode.HALF_UP)).stripTrailingZeros();
            case MYSQL -> d.divide(c, Math.max(d.scale(), a.scale() - 4) + 4, RoundingMode.HALF_UP);
            case POSTGRES -> d.divide(c, postgresDivScale(d, c), RoundingMode.HALF_UP);
            default -> throw new IllegalStateException();
        };
    }

    /** PostgreSQL's {@code select_div_scale} (numeric.c) for {@code a / b}. */
    static int postgresDivScale(BigDecimal a, BigDecimal b) {
        int[] wa = pgWeight(a);
        int[] wb = pgWeight(b);
        int qweight = wa[0] - wb[0];
        if (wa[1] <= wb[1]) qweight--;
        int rscale = 16 - qweight * 4;
        rscale = Math.max(rscale, Math.max(a.scale(), 0));
        rscale = Math.max(rscale, Math.max(b.scale(), 0));
        return Math.min(rscale, 1000);
    }

    /** {weight, first digit} of a value in PostgreSQL's base-10000 representation. */
    private static int[] pgWeight(BigDecimal v) {
        if (v.signum() == 0) return new int[] {0, 0};
        BigDecimal abs = v.abs();
        int exponent10 = abs.precision() - abs.scale() - 1;
        int weight = Math.floorDiv(exponent10, 4);
        int first = abs.movePointLeft(4 * weight).setScale(0, RoundingMode.DOWN).intValue();
        return new int[] {weight, first};
    }

    // ---------------------------------------------------------------- reading

    private void start() throws SQLException {
        started = true;
        limit = MergedValues.count(plan.limit() == null ? null : plan.limit().resolve(params), "LIMIT");
        Long off = MergedValues.count(plan.offset() == null ? null : plan.offset().resolve(params), "OFFSET");
        offset = off == null ? 0 : off;
        if (buffered) {
            rows = combine();
        } else {
            if (plan.distinct()) seen = new HashSet<>();
            if (fetchSize > 0) for (ResultSet rs : shards) rs.setFetchSize(fetchSize);
        }
    }

    private boolean fetch() throws SQLException {
        if (!started) start();
        if (buffered) {
            if (index < rows.size()) {
                values = rows.get(index++);
                return true;
            }
            values = null;
            return false;
        }
        if (limit != null && returned >= limit) {
            cursor = null;
            return false;
        }
        while (advance()) {
            if (seen != null && !seen.add(visibleKey())) continue;
            if (skipped < offset) {
                skipped++;
                continue;
            }
            returned++;
            return true;
        }
        return false;
    }

    private List<Object> visibleKey() throws SQLException {
        Object[] k = new Object[visible];
        for (int c = 1; c <= visible; c++) k[c - 1] = MergedValues.normalize(MergedValues.materialize(cursor.getObject(c)));
        return java.util.Arrays.asList(k);
    }

    private boolean advance() throws SQLException {
        if (plan.orderBy().isEmpty()) {
            while (unionIndex < shards.size()) {
                ResultSet rs = shards.get(unionIndex);
                if (rs.next()) {
                    cursor = rs;
                    return true;
                }
                unionIndex++;
            }
            cursor = null;
            return false;
        }
        try {
            if (heap == null) {
                heap = new PriorityQueue<>((a, b) -> {
                    try {
                        int c = MergedValues.compareKeys(plan.orderBy(), a.keys, b.keys);
                        return c != 0 ? c : Integer.compare(a.shard, b.shard);
                    } catch (SQLException e) {
                        throw new Unchecked(e);
                    }
                });
                for (int i = 0; i < shards.size(); i++) {
                    ResultSet rs = shards.get(i);
                    if (rs.next()) {
                        Head h = new Head(rs, i);
                        h.keys = sortKeys(rs);
                        heap.add(h);
                    }
                }
            } else if (current != null && current.rs.next()) {
                current.keys = sortKeys(current.rs);
                heap.add(current);
            }
            current = heap.poll();
        } catch (Unchecked e) {
            throw (SQLException) e.getCause();
        }
        cursor = current == null ? null : current.rs;
        return current != null;
    }

    private Object[] sortKeys(ResultSet rs) throws SQLException {
        Object[] k = new Object[plan.orderBy().size()];
        for (int i = 0; i < k.length; i++) k[i] = rs.getObject(plan.orderBy().get(i).column());
        return k;
    }

    /** The buffered shape: reads every shard, groups, aggregates, filters, orders, cuts. */
    private List<Object[]> combine() throws SQLException {
        boolean grouped = !plan.aggregates().isEmpty() || plan.groupBy().length > 0;
        SelectMerge.Aggregate[] kind = new SelectMerge.Aggregate[width];
        for (AggregateColumn a : plan.aggregates()) {
            kind[a.column() - 1] = a.kind();
            if (a.kind() == SelectMerge.Aggregate.AVG && kind[a.countColumn() - 1] == null) {
                kind[a.countColumn() - 1] = SelectMerge.Aggregate.COUNT;
            }
        }
        Map<List<Object>, Object[]> groups = new LinkedHashMap<>();
        List<Object[]> out = new ArrayList<>();
        for (ResultSet rs : shards) {
            while (rs.next()) {
                Object[] r = new Object[width];
                for (int c = 1; c <= width; c++) r[c - 1] = MergedValues.materialize(rs.getObject(c));
                if (!grouped) {
                    out.add(r);
                    continue;
                }
                List<Object> key = MergedValues.key(r, plan.groupBy());
                Object[] acc = groups.get(key);
                if (acc == null) {
                    acc = emptyGroup(kind);
                    for (int c = 0; c < width; c++) if (kind[c] == null) acc[c] = r[c];
                    groups.put(key, acc);
                }
                accumulate(kind, acc, r);
            }
        }
        if (grouped) {
            if (groups.isEmpty() && plan.groupBy().length == 0) groups.put(List.of(), emptyGroup(kind));
            for (Object[] acc : groups.values()) {
                finish(kind, acc);
                if (having(acc)) out.add(acc);
            }
        }
        if (plan.distinct()) {
            int[] cols = new int[visible];
            for (int c = 0; c < visible; c++) cols[c] = c + 1;
            Set<List<Object>> keys = new HashSet<>();
            out.removeIf(r -> !keys.add(MergedValues.key(r, cols)));
        }
        if (!plan.orderBy().isEmpty()) {
            try {
                out.sort((a, b) -> {
                    try {
                        return MergedValues.compareRows(plan.orderBy(), a, b);
                    } catch (SQLException e) {
                        throw new Unchecked(e);
                    }
                });
            } catch (Unchecked e) {
                throw (SQLException) e.getCause();
            }
        }
        int from = (int) Math.min(offset, out.size());
        int to = limit == null ? out.size() : (int) Math.min(out.size(), from + limit);
        return new ArrayList<>(out.subList(from, to));
    }

    private Object[] emptyGroup(SelectMerge.Aggregate[] kind) {
        Object[] acc = new Object[width];
        for (int c = 0; c < width; c++) if (kind[c] == SelectMerge.Aggregate.COUNT) acc[c] = 0L;
        return acc;
    }

    private static void accumulate(SelectMerge.Aggregate[] kind, Object[] acc, Object[] r) throws SQLException {
        for (int c = 0; c < acc.length; c++) {
            Object v = r[c];
            if (kind[c] == null || v == null) continue;
            switch (kind[c]) {
                case COUNT -> acc[c] = (Long) acc[c] + ((Number) v).longValue();
                case SUM, AVG -> acc[c] = add(acc[c], v);
                case MIN -> {
                    if (acc[c] == null || MergedValues.compare(v, acc[c]) < 0) acc[c] = v;
                }
                case MAX -> {
                    if (acc[c] == null || MergedValues.compare(v, acc[c]) > 0) acc[c] = v;
                }
            }
        }
    }

    /** Exact addition of two shard sums; see the class comment. */
    static Object add(Object acc, Object v) throws SQLException {
        if (!(v instanceof Number n)) {
            throw new SQLException("a shard's SUM is not a number: " + v.getClass().getName(), "22000");
        }
        if (MergedValues.integral(v)) v = n.longValue();
        if (acc == null) return v;
        Number a = MergedValues.integral(acc) ? (Number) ((Number) acc).longValue() : (Number) acc;
        if (a instanceof Long x && v instanceof Long y) {
            try {
                return Math.addExact(x, y);
            } catch (ArithmeticException overflow) {
                return BigDecimal.valueOf(x).add(BigDecimal.valueOf(y));
            }
        }
        if (a instanceof Float x && v instanceof Float y) return x + y;
        if (a instanceof Double || a instanceof Float || v instanceof Double || v instanceof Float) {
            return a.doubleValue() + ((Number) v).doubleValue();
        }
        return MergedValues.decimal(a).add(MergedValues.decimal((Number) v));
    }

    private void finish(SelectMerge.Aggregate[] kind, Object[] acc) {
        for (int c = 0; c < width; c++) {
            if (kind[c] == SelectMerge.Aggregate.SUM && decfloatPrecision[c] > 0 && acc[c] instanceof BigDecimal d) {
                acc[c] = d.round(new MathContext(decfloatPrecision[c], RoundingMode.HALF_UP)).stripTrailingZeros();
            }
        }
        for (AggregateColumn a : plan.aggregates()) {
            if (a.kind() == SelectMerge.Aggregate.AVG) {
                acc[a.column() - 1] = average(avg[a.column() - 1], acc[a.column() - 1], acc[a.countColumn() - 1]);
            }
        }
    }

    private boolean having(Object[] r) throws SQLException {
        for (Condition h : plan.having()) {
            Object v = r[h.column() - 1];
            Object operand = MergedValues.coerce(h.value().resolve(params), v);
            if (v == null || operand == null) return false;
            int c = MergedValues.compare(v, operand);
            boolean ok = switch (h.op()) {
                case EQ -> c == 0;
                case NE -> c != 0;
                case LT -> c < 0;
                case LE -> c <= 0;
                case GT -> c > 0;
                case GE -> c >= 0;
            };
            if (!ok) return false;
        }
        return true;
    }

    // ---------------------------------------------------------------- cursor

    private void ensureOpen() throws SQLException {
        if (closed) throw new SQLException("the result set is closed", "24000");
    }

    @Override
    public boolean next() throws SQLException {
        ensureOpen();
        if (exhausted) return false;
        boolean has;
        if (pending != null) {
            has = pending;
            pending = null;
        } else {
            has = fetch();
        }
        if (has) {
            row++;
            hadRow = true;
            return true;
        }
        exhausted = true;
        row = 0;
        cursor = null;
        values = null;
        return false;
    }

    @Override
    public void close() throws SQLException {
        if (closed) return;
        closed = true;
        cursor = null;
        values = null;
        rows = null;
        heap = null;
        seen = null;
        SQLException failure = null;
        for (ResultSet rs : shards) {
            try {
                rs.close();
            } catch (SQLException e) {
                if (failure == null) failure = e;
                else failure.addSuppressed(e);
            }
        }
        if (onClose != null) onClose.run();
        if (failure != null) throw failure;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        ensureOpen();
        if (row > 0 || exhausted) return false;
        if (pending == null) pending = fetch();
        return pending;
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        ensureOpen();
        return exhausted && hadRow;
    }

    @Override
    public boolean isFirst() throws SQLException {
        ensureOpen();
        return row == 1;
    }

    @Override
    public boolean isLast() throws SQLException {
        ensureOpen();
        if (!buffered) {
            throw new SQLFeatureNotSupportedException("isLast() would read ahead in a streaming merged cross-shard result", "0A000");
        }
        return row > 0 && index == rows.size();
    }

    @Override
    public int getRow() throws SQLException {
        ensureOpen();
        return row;
    }

    @Override
    public int getType() {
        return TYPE_FORWARD_ONLY;
    }

    @Override
    public int getConcurrency() {
        return CONCUR_READ_ONLY;
    }

    @Override
    public int getHoldability() throws SQLException {
        ensureOpen();
        return shards.get(0).getHoldability();
    }

    @Override
    public Statement getStatement() {
        return owner;
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        ensureOpen();
        return null;
    }

    @Override
    public void clearWarnings() throws SQLException {
        ensureOpen();
    }

    @Override
    public String getCursorName() throws SQLException {
        throw new SQLFeatureNotSupportedException("a merged cross-shard result has no named cursor", "0A000");
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        ensureOpen();
        if (direction != FETCH_FORWARD) throw readOnly("setFetchDirection(" + direction + ")");
    }

    @Override
    public int getFetchDirection() throws SQLException {
        ensureOpen();
        return FETCH_FORWARD;
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        ensureOpen();
        if (rows < 0) throw new SQLException("fetch size must not be negative: " + rows, "22023");
        fetchSize = rows;
        if (!buffered && started) for (ResultSet rs : shards) rs.setFetchSize(rows);
    }

    @Override
    public int getFetchSize() throws SQLException {
        ensureOpen();
        return fetchSize;
    }

    @Override
    public boolean rowUpdated() throws SQLException {
        ensureOpen();
        return false;
    }

    @Override
    public boolean rowInserted() throws SQLException {
        ensureOpen();
        return false;
    }

    @Override
    public boolean rowDeleted() throws SQLException {
        ensureOpen();
        return false;
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        ensureOpen();
        if (meta == null) {
            MergedResultSetMetaData.Override[] o = new MergedResultSetMetaData.Override[visible];
            for (int c = 0; c < visible; c++) o[c] = avg[c] == null ? null : avg[c].type();
            meta = new MergedResultSetMetaData(shardMeta, visible, o);
        }
        return meta;
    }

    @Override
    public int findColumn(String label) throws SQLException {
        ensureOpen();
        if (labels == null) {
            String[] l = new String[visible];
            for (int c = 1; c <= visible; c++) l[c - 1] = shardMeta.getColumnLabel(c);
            labels = l;
        }
        if (label != null) {
            for (int c = 0; c < visible; c++) if (labels[c] != null && labels[c].equalsIgnoreCase(label)) return c + 1;
        }
        throw new SQLException("Column \"" + label + "\" not found", "42S22");
    }

    @Override
    public boolean wasNull() throws SQLException {
        ensureOpen();
        if (!buffered) return cursor != null && cursor.wasNull();
        return lastNull;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) return (T) this;
        throw new SQLException("not a wrapper for " + iface.getName(), "HY000");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    // ---------------------------------------------------------------- getters

    private void checkColumn(int column) throws SQLException {
        ensureOpen();
        if (column < 1 || column > visible) {
            throw new SQLException("Invalid column index " + column + " (the result has " + visible + " columns)", "07009");
        }
        if (row == 0) throw new SQLException("no current row (call next() first)", "24000");
    }

    /** Streaming shape: the shard result set on the current row. */
    private ResultSet on(int column) throws SQLException {
        checkColumn(column);
        return cursor;
    }

    /** Buffered shape: the current row's value. */
    private Object value(int column) throws SQLException {
        checkColumn(column);
        Object v = values[column - 1];
        lastNull = v == null;
        return v;
    }

    @Override
    public Object getObject(int c) throws SQLException {
        if (!buffered) return on(c).getObject(c);
        Object v = value(c);
        return v instanceof byte[] b ? b.clone() : v;
    }

    @Override
    public <T> T getObject(int c, Class<T> type) throws SQLException {
        if (!buffered) return on(c).getObject(c, type);
        return MergedValues.toType(value(c), type);
    }

    @Override
    public Object getObject(int c, Map<String, Class<?>> map) throws SQLException {
        if (!buffered) return on(c).getObject(c, map);
        if (map != null && !map.isEmpty()) {
            throw new SQLFeatureNotSupportedException("type maps are not supported on a merged cross-shard result", "0A000");
        }
        return getObject(c);
    }

    @Override
    public String getString(int c) throws SQLException {
        if (!buffered) return on(c).getString(c);
        return MergedValues.toStr(value(c));
    }

    @Override
    public String getNString(int c) throws SQLException {
        if (!buffered) return on(c).getNString(c);
        return MergedValues.toStr(value(c));
    }

    @Override
    public boolean getBoolean(int c) throws SQLException {
        if (!buffered) return on(c).getBoolean(c);
        return MergedValues.toBoolean(value(c));
    }

    @Override
    public byte getByte(int c) throws SQLException {
        if (!buffered) return on(c).getByte(c);
        return (byte) MergedValues.toLong(value(c), Byte.MIN_VALUE, Byte.MAX_VALUE, "TINYINT");
    }

    @Override
    public short getShort(int c) throws SQLException {
        if (!buffered) return on(c).getShort(c);
        return (short) MergedValues.toLong(value(c), Short.MIN_VALUE, Short.MAX_VALUE, "SMALLINT");
    }

    @Override
    public int getInt(int c) throws SQLException {
        if (!buffered) return on(c).getInt(c);
        return (int) MergedValues.toLong(value(c), Integer.MIN_VALUE, Integer.MAX_VALUE, "INTEGER");
    }

    @Override
    public long getLong(int c) throws SQLException {
        if (!buffered) return on(c).getLong(c);
        return MergedValues.toLong(value(c), Long.MIN_VALUE, Long.MAX_VALUE, "BIGINT");
    }

    @Override
    public float getFloat(int c) throws SQLException {
        if (!buffered) return on(c).getFloat(c);
        return (float) MergedValues.toDouble(value(c));
    }

    @Override
    public double getDouble(int c) throws SQLException {
        if (!buffered) return on(c).getDouble(c);
        return MergedValues.toDouble(value(c));
    }

    @Override
    public BigDecimal getBigDecimal(int c) throws SQLException {
        if (!buffered) return on(c).getBigDecimal(c);
        return MergedValues.toBigDecimal(value(c));
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(int c, int scale) throws SQLException {
        if (!buffered) return on(c).getBigDecimal(c, scale);
        BigDecimal d = MergedValues.toBigDecimal(value(c));
        return d == null ? null : d.setScale(scale, RoundingMode.HALF_UP);
    }

    @Override
    public byte[] getBytes(int c) throws SQLException {
        if (!buffered) return on(c).getBytes(c);
        return MergedValues.toBytes(value(c));
    }

    @Override
    public java.sql.Date getDate(int c) throws SQLException {
        if (!buffered) return on(c).getDate(c);
        return MergedValues.toDate(value(c), null);
    }

    @Override
    public java.sql.Date getDate(int c, Calendar cal) throws SQLException {
        if (!buffered) return on(c).getDate(c, cal);
        return MergedValues.toDate(value(c), cal);
    }

    @Override
    public Time getTime(int c) throws SQLException {
        if (!buffered) return on(c).getTime(c);
        return MergedValues.toTime(value(c), null);
    }

    @Override
    public Time getTime(int c, Calendar cal) throws SQLException {
        if (!buffered) return on(c).getTime(c, cal);
        return MergedValues.toTime(value(c), cal);
    }

    @Override
    public Timestamp getTimestamp(int c) throws SQLException {
        if (!buffered) return on(c).getTimestamp(c);
        return MergedValues.toTimestamp(value(c), null);
    }

    @Override
    public Timestamp getTimestamp(int c, Calendar cal) throws SQLException {
        if (!buffered) return on(c).getTimestamp(c, cal);
        return MergedValues.toTimestamp(value(c), cal);
    }

    @Override
    public InputStream getAsciiStream(int c) throws SQLException {
        if (!buffered) return on(c).getAsciiStream(c);
        String s = MergedValues.toStr(value(c));
        return s == null ? null : new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(int c) throws SQLException {
        if (!buffered) return on(c).getUnicodeStream(c);
        throw new SQLFeatureNotSupportedException("getUnicodeStream is deprecated; use getCharacterStream", "0A000");
    }

    @Override
    public InputStream getBinaryStream(int c) throws SQLException {
        if (!buffered) return on(c).getBinaryStream(c);
        byte[] b = MergedValues.toBytes(value(c));
        return b == null ? null : new ByteArrayInputStream(b);
    }

    @Override
    public Reader getCharacterStream(int c) throws SQLException {
        if (!buffered) return on(c).getCharacterStream(c);
        String s = MergedValues.toStr(value(c));
        return s == null ? null : new StringReader(s);
    }

    @Override
    public Reader getNCharacterStream(int c) throws SQLException {
        if (!buffered) return on(c).getNCharacterStream(c);
        return getCharacterStream(c);
    }

    @Override
    public Clob getClob(int c) throws SQLException {
        if (!buffered) return on(c).getClob(c);
        String s = MergedValues.toStr(value(c));
        return s == null ? null : new javax.sql.rowset.serial.SerialClob(s.toCharArray());
    }

    @Override
    public Blob getBlob(int c) throws SQLException {
        if (!buffered) return on(c).getBlob(c);
        byte[] b = MergedValues.toBytes(value(c));
        return b == null ? null : new javax.sql.rowset.serial.SerialBlob(b);
    }

    @Override
    public NClob getNClob(int c) throws SQLException {
        if (!buffered) return on(c).getNClob(c);
        throw new SQLFeatureNotSupportedException("getNClob on a buffered merged cross-shard result; use getString", "0A000");
    }

    @Override
    public Array getArray(int c) throws SQLException {
        if (!buffered) return on(c).getArray(c);
        return typed(value(c), Array.class, "getArray");
    }

    @Override
    public Ref getRef(int c) throws SQLException {
        if (!buffered) return on(c).getRef(c);
        return typed(value(c), Ref.class, "getRef");
    }

    @Override
    public RowId getRowId(int c) throws SQLException {
        if (!buffered) return on(c).getRowId(c);
        return typed(value(c), RowId.class, "getRowId");
    }

    @Override
    public SQLXML getSQLXML(int c) throws SQLException {
        if (!buffered) return on(c).getSQLXML(c);
        return typed(value(c), SQLXML.class, "getSQLXML");
    }

    @Override
    public URL getURL(int c) throws SQLException {
        if (!buffered) return on(c).getURL(c);
        return MergedValues.toUrl(value(c));
    }

    private static <T> T typed(Object v, Class<T> type, String method) throws SQLException {
        if (v == null) return null;
        if (type.isInstance(v)) return type.cast(v);
        throw new SQLFeatureNotSupportedException(method + " on a " + v.getClass().getSimpleName().toLowerCase(Locale.ROOT)
                + " value of a buffered merged cross-shard result", "0A000");
    }
}
