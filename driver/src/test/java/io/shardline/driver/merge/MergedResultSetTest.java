package io.shardline.driver.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardline.routing.shard.SelectMerge;
import io.shardline.routing.shard.SelectMerge.Aggregate;
import io.shardline.routing.shard.SelectMerge.AggregateColumn;
import io.shardline.routing.shard.SelectMerge.Bound;
import io.shardline.routing.shard.SelectMerge.Condition;
import io.shardline.routing.shard.SelectMerge.Operator;
import io.shardline.routing.shard.SelectMerge.SortKey;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Differential tests of {@link MergedResultSet}: three H2 "shards" and one reference database
 * holding all rows; each shape runs a hand-written shard query on every shard, merges, and must
 * equal the reference database's answer to the original query (values as objects, labels, types).
 */
class MergedResultSetTest {

    private static final AtomicInteger DB = new AtomicInteger();
    private static final int SHARDS = 3;

    private final List<Connection> shards = new ArrayList<>();
    private Connection reference;

    @BeforeEach
    void setUp() throws SQLException {
        int n = DB.incrementAndGet();
        reference = DriverManager.getConnection("jdbc:h2:mem:merge_ref_" + n);
        for (int i = 0; i < SHARDS; i++) shards.add(DriverManager.getConnection("jdbc:h2:mem:merge_shard_" + n + "_" + i));
        String ddl = "CREATE TABLE t(id INT PRIMARY KEY, a INT, g INT, d DECIMAL(10,2), s VARCHAR(10), dt DATE,"
                + " b BIGINT, f DOUBLE, r REAL)";
        for (Connection c : all()) c.createStatement().execute(ddl);
        Random rnd = new Random(42 + n);
        String insert = "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
        for (int id = 1; id <= 400; id++) {
            Object[] v = {
                id,
                rnd.nextInt(7) == 0 ? null : rnd.nextInt(2000) - 500,
                rnd.nextInt(9) == 0 ? null : rnd.nextInt(12),
                rnd.nextInt(8) == 0 ? null : BigDecimal.valueOf(rnd.nextInt(2_000_000) - 1_000_000, 2),
                rnd.nextInt(6) == 0 ? null : randomString(rnd),
                rnd.nextInt(6) == 0 ? null : java.sql.Date.valueOf(java.time.LocalDate.of(2020, 1, 1).plusDays(rnd.nextInt(900))),
                rnd.nextInt(5) == 0 ? null : rnd.nextLong() / 1000,
                rnd.nextInt(5) == 0 ? null : (rnd.nextInt(100_000) - 50_000) / 8.0,
                rnd.nextInt(5) == 0 ? null : (float) ((rnd.nextInt(1000) - 500) / 4.0),
            };
            // shard 2 only gets ids above 300 so that some filters leave shards empty
            int shard = id <= 300 ? id % 2 : 2;
            for (Connection c : List.of(reference, shards.get(shard))) {
                try (PreparedStatement ps = c.prepareStatement(insert)) {
                    for (int i = 0; i < v.length; i++) ps.setObject(i + 1, v[i]);
                    ps.executeUpdate();
                }
            }
        }
    }

    private static String randomString(Random rnd) {
        String alphabet = "abcXYZ_é";
        StringBuilder sb = new StringBuilder();
        for (int i = rnd.nextInt(3) + 1; i > 0; i--) sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        return sb.toString();
    }

    private List<Connection> all() {
        List<Connection> l = new ArrayList<>(shards);
        l.add(reference);
        return l;
    }

    @AfterEach
    void tearDown() throws SQLException {
        for (Connection c : all()) c.close();
    }

    // ------------------------------------------------------------------ helpers

    private static SelectMerge plan(int visible, boolean distinct, int[] groupBy, List<AggregateColumn> aggregates,
                                    List<Condition> having, List<SortKey> orderBy, Bound limit, Bound offset) {
        return new SelectMerge(visible, distinct, groupBy, aggregates, having, orderBy, limit, offset);
    }

    private static Bound lit(Object v) {
        return new Bound(v, 0);
    }

    private MergedResultSet merge(SelectMerge plan, String shardSql, Object... params) throws SQLException {
        List<ResultSet> results = new ArrayList<>();
        for (Connection c : shards) results.add(c.createStatement().executeQuery(shardSql));
        return MergedResultSet.of(plan, results, params, null);
    }

    private record Result(List<String> labels, List<List<Object>> rows) {
    }

    private static Result read(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<String> labels = new ArrayList<>();
        for (int c = 1; c <= md.getColumnCount(); c++) labels.add(md.getColumnLabel(c));
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int c = 1; c <= md.getColumnCount(); c++) row.add(rs.getObject(c));
            rows.add(row);
        }
        rs.close();
        return new Result(labels, rows);
    }

    private Result reference(String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = reference.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            return read(ps.executeQuery());
        }
    }

    /** Merged == reference, in order. */
    private void assertSame(String originalSql, Object[] params, SelectMerge plan, String shardSql) throws SQLException {
        Result expected = reference(originalSql, params);
        Result actual = read(merge(plan, shardSql, params));
        assertThat(actual.labels()).as(originalSql).isEqualTo(expected.labels());
        assertThat(actual.rows()).as(originalSql).isEqualTo(expected.rows());
    }

    /** Merged == reference as multisets (queries without a total order). */
    private void assertSameUnordered(String originalSql, SelectMerge plan, String shardSql) throws SQLException {
        Result expected = reference(originalSql);
        Result actual = read(merge(plan, shardSql));
        assertThat(actual.labels()).isEqualTo(expected.labels());
        assertThat(actual.rows()).hasSameSizeAs(expected.rows());
        assertThat(sorted(actual.rows())).as(originalSql).isEqualTo(sorted(expected.rows()));
    }

    private static List<List<Object>> sorted(List<List<Object>> rows) {
        List<List<Object>> l = new ArrayList<>(rows);
        l.sort(Comparator.comparing(Object::toString));
        return l;
    }

    private static void assertMetadataSame(ResultSetMetaData expected, ResultSetMetaData actual) throws SQLException {
        assertThat(actual.getColumnCount()).isEqualTo(expected.getColumnCount());
        for (int c = 1; c <= expected.getColumnCount(); c++) {
            String what = "column " + c + " " + expected.getColumnLabel(c);
            assertThat(actual.getColumnLabel(c)).as(what).isEqualTo(expected.getColumnLabel(c));
            assertThat(actual.getColumnType(c)).as(what).isEqualTo(expected.getColumnType(c));
            assertThat(actual.getColumnTypeName(c)).as(what).isEqualTo(expected.getColumnTypeName(c));
            assertThat(actual.getColumnClassName(c)).as(what).isEqualTo(expected.getColumnClassName(c));
            assertThat(actual.getPrecision(c)).as(what).isEqualTo(expected.getPrecision(c));
            assertThat(actual.getScale(c)).as(what).isEqualTo(expected.getScale(c));
        }
    }

    // ------------------------------------------------------------------ union

    @Test
    void plainUnionStreamsEveryShard() throws SQLException {
        SelectMerge p = plan(4, false, new int[0], List.of(), List.of(), List.of(), null, null);
        assertThat(p.isPlainUnion()).isTrue();
        assertSameUnordered("SELECT id, a, s, dt FROM t", p, "SELECT id, a, s, dt FROM t");
        assertSameUnordered("SELECT id, a FROM t WHERE id > 300", plan(2, false, new int[0], List.of(), List.of(), List.of(), null, null),
                "SELECT id, a FROM t WHERE id > 300");
    }

    @Test
    void limitWithoutOrderStopsEarly() throws SQLException {
        SelectMerge p = plan(1, false, new int[0], List.of(), List.of(), List.of(), lit(5L), lit(2L));
        try (MergedResultSet rs = merge(p, "SELECT id FROM t")) {
            int n = 0;
            while (rs.next()) n++;
            assertThat(n).isEqualTo(5);
        }
    }

    // ------------------------------------------------------------------ ORDER BY

    @Test
    void orderByAscNullsFirstWithLimitOffset() throws SQLException {
        SelectMerge p = plan(3, false, new int[0], List.of(), List.of(),
                List.of(new SortKey(2, true, true), new SortKey(1, true, false)), lit(17L), lit(5L));
        assertSame("SELECT id, a, s FROM t ORDER BY a NULLS FIRST, id LIMIT 17 OFFSET 5", new Object[0], p,
                "SELECT id, a, s FROM t ORDER BY a NULLS FIRST, id LIMIT 22");
        // the whole table, default H2 null order (ASC: NULLs first)
        SelectMerge full = plan(3, false, new int[0], List.of(), List.of(),
                List.of(new SortKey(3, true, true), new SortKey(1, false, false)), null, null);
        assertSame("SELECT id, a, s FROM t ORDER BY s, id DESC", new Object[0], full,
                "SELECT id, a, s FROM t ORDER BY s, id DESC");
    }

    @Test
    void orderByDescOnHiddenColumnWithParameterBounds() throws SQLException {
        // ORDER BY a DESC (NULLs last by default on H2), a not selected: hidden 3rd column in the shard query
        SelectMerge p = plan(2, false, new int[0], List.of(), List.of(),
                List.of(new SortKey(3, false, false), new SortKey(4, true, false)), new Bound(null, 1), new Bound(null, 2));
        Object[] params = {40, 150};
        Result expected = reference("SELECT id, s FROM t ORDER BY a DESC, dt, id LIMIT ? OFFSET ?", params);
        // every shard returns its first offset+limit rows, with the sort keys it needs
        try (MergedResultSet rs = merge(plan(2, false, new int[0], List.of(), List.of(),
                List.of(new SortKey(3, false, false), new SortKey(4, true, true), new SortKey(1, true, false)),
                new Bound(null, 1), new Bound(null, 2)), "SELECT id, s, a, dt FROM t ORDER BY a DESC, dt, id LIMIT 190", params)) {
            assertThat(rs.getMetaData().getColumnCount()).isEqualTo(2);
            Result actual = read(rs);
            assertThat(actual.labels()).isEqualTo(expected.labels());
            assertThat(actual.rows()).isEqualTo(expected.rows());
        }
        assertThat(p.isPlainUnion()).isFalse();
        // offset beyond the end
        SelectMerge beyond = plan(1, false, new int[0], List.of(), List.of(), List.of(new SortKey(1, false, false)), lit(10L), lit(1000L));
        assertSame("SELECT id FROM t ORDER BY id DESC LIMIT 10 OFFSET 1000", new Object[0], beyond,
                "SELECT id FROM t ORDER BY id DESC LIMIT 1010");
        // LIMIT 0 reads nothing
        SelectMerge zero = plan(1, false, new int[0], List.of(), List.of(), List.of(new SortKey(1, true, false)), lit(0L), null);
        assertSame("SELECT id FROM t ORDER BY id LIMIT 0", new Object[0], zero, "SELECT id FROM t ORDER BY id LIMIT 0");
    }

    @Test
    void orderByMixedNumericAndDecimalKeys() throws SQLException {
        SelectMerge p = plan(3, false, new int[0], List.of(), List.of(),
                List.of(new SortKey(2, false, true), new SortKey(3, true, false), new SortKey(1, true, false)), lit(50L), null);
        assertSame("SELECT id, d, f FROM t ORDER BY d DESC NULLS FIRST, f NULLS LAST, id LIMIT 50", new Object[0], p,
                "SELECT id, d, f FROM t ORDER BY d DESC NULLS FIRST, f NULLS LAST, id LIMIT 50");
    }

    // ------------------------------------------------------------------ aggregates

    private static final String AGG_ORIGINAL = "SELECT COUNT(*), SUM(a), MIN(s), MAX(dt), AVG(a), SUM(d), AVG(d), AVG(b),"
            + " COUNT(a), AVG(f), SUM(f), AVG(r), MIN(d), MAX(b) FROM t";
    private static final String AGG_SHARD = "SELECT COUNT(*), SUM(a), MIN(s), MAX(dt), SUM(a) AS \"AVG(A)\", SUM(d),"
            + " SUM(d) AS \"AVG(D)\", SUM(b) AS \"AVG(B)\", COUNT(a), SUM(f) AS \"AVG(F)\", SUM(f), SUM(r) AS \"AVG(R)\","
            + " MIN(d), MAX(b), COUNT(d), COUNT(b), COUNT(f), COUNT(r) FROM t";
    private static final SelectMerge AGG_PLAN = plan(14, false, new int[0], List.of(
            new AggregateColumn(1, Aggregate.COUNT, 0), new AggregateColumn(2, Aggregate.SUM, 0),
            new AggregateColumn(3, Aggregate.MIN, 0), new AggregateColumn(4, Aggregate.MAX, 0),
            new AggregateColumn(5, Aggregate.AVG, 9), new AggregateColumn(6, Aggregate.SUM, 0),
            new AggregateColumn(7, Aggregate.AVG, 15), new AggregateColumn(8, Aggregate.AVG, 16),
            new AggregateColumn(9, Aggregate.COUNT, 0), new AggregateColumn(10, Aggregate.AVG, 17),
            new AggregateColumn(11, Aggregate.SUM, 0), new AggregateColumn(12, Aggregate.AVG, 18),
            new AggregateColumn(13, Aggregate.MIN, 0), new AggregateColumn(14, Aggregate.MAX, 0)),
            List.of(), List.of(), null, null);

    @Test
    void aggregatesWithoutGroupBy() throws SQLException {
        for (String where : List.of("", " WHERE id > 300", " WHERE id <= 300", " WHERE a > 100000", " WHERE id = 7",
                " WHERE a IS NULL")) {
            Result expected = reference(AGG_ORIGINAL + where);
            try (MergedResultSet rs = merge(AGG_PLAN, AGG_SHARD + where)) {
                assertMetadataSame(reference.createStatement().executeQuery(AGG_ORIGINAL + where).getMetaData(), rs.getMetaData());
                Result actual = read(rs);
                assertThat(actual.labels()).isEqualTo(expected.labels());
                assertThat(actual.rows()).as(where).hasSize(1);
                List<Object> e = new ArrayList<>(expected.rows().get(0));
                List<Object> a = new ArrayList<>(actual.rows().get(0));
                // AVG(REAL) is a double: the merged sum of per-shard double sums may differ in the last bits
                Object eR = e.remove(11);
                Object aR = a.remove(11);
                if (eR == null) assertThat(aR).isNull();
                else assertThat((Double) aR).isCloseTo((Double) eR, org.assertj.core.data.Offset.offset(1e-9));
                assertThat(a).as(where).isEqualTo(e);
            }
        }
    }

    @Test
    void everyShardEmptyGivesOneRow() throws SQLException {
        SelectMerge p = plan(3, false, new int[0], List.of(new AggregateColumn(1, Aggregate.COUNT, 0),
                new AggregateColumn(2, Aggregate.SUM, 0), new AggregateColumn(3, Aggregate.AVG, 4)), List.of(), List.of(), null, null);
        // shards that return no row at all (e.g. a shard query with GROUP BY ()), merged: COUNT 0, NULLs
        try (MergedResultSet rs = merge(p, "SELECT COUNT(*) c, SUM(a) s, SUM(a) AS av, COUNT(a) FROM t GROUP BY a HAVING 1 = 0")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isZero();
            assertThat(rs.wasNull()).isFalse();
            assertThat(rs.getObject(1)).isEqualTo(0L);
            assertThat(rs.getObject(2)).isNull();
            assertThat(rs.getInt(2)).isZero();
            assertThat(rs.wasNull()).isTrue();
            assertThat(rs.getObject("AV")).isNull();
            assertThat(rs.next()).isFalse();
        }
    }

    // ------------------------------------------------------------------ GROUP BY

    @Test
    void groupByWithHavingOrderAndLimit() throws SQLException {
        // SELECT g, COUNT(*), SUM(d), AVG(a), MIN(s) ... HAVING COUNT(*) > 25 AND SUM(b) > ? (hidden) ORDER BY g
        String original = "SELECT g, COUNT(*), SUM(d), AVG(a), MIN(s) FROM t GROUP BY g HAVING COUNT(*) > 25 AND SUM(b) > ? ORDER BY g";
        String shard = "SELECT g, COUNT(*), SUM(d), SUM(a) AS \"AVG(A)\", MIN(s), COUNT(a), SUM(b) FROM t GROUP BY g ORDER BY g";
        SelectMerge p = plan(5, false, new int[] {1}, List.of(new AggregateColumn(2, Aggregate.COUNT, 0),
                        new AggregateColumn(3, Aggregate.SUM, 0), new AggregateColumn(4, Aggregate.AVG, 6),
                        new AggregateColumn(5, Aggregate.MIN, 0), new AggregateColumn(7, Aggregate.SUM, 0)),
                List.of(new Condition(2, Operator.GT, lit(25L)), new Condition(7, Operator.GT, new Bound(null, 1))),
                List.of(new SortKey(1, true, true)), null, null);
        assertSame(original, new Object[] {-1_000_000_000_000_000L}, p, shard);
        assertSame(original, new Object[] {0}, p, shard);

        // ORDER BY an aggregate DESC, LIMIT/OFFSET after grouping; HAVING with <=, <>, a string operand
        String original2 = "SELECT g, COUNT(*) AS n, MAX(dt) FROM t GROUP BY g HAVING COUNT(*) <= 60 AND g <> 3"
                + " AND MAX(dt) >= '2021-01-01' ORDER BY n DESC, g DESC NULLS LAST LIMIT 4 OFFSET 1";
        String shard2 = "SELECT g, COUNT(*) AS n, MAX(dt) FROM t GROUP BY g";
        SelectMerge p2 = plan(3, false, new int[] {1}, List.of(new AggregateColumn(2, Aggregate.COUNT, 0),
                        new AggregateColumn(3, Aggregate.MAX, 0)),
                List.of(new Condition(2, Operator.LE, lit(60L)), new Condition(1, Operator.NE, lit(3L)),
                        new Condition(3, Operator.GE, lit("2021-01-01"))),
                List.of(new SortKey(2, false, false), new SortKey(1, false, false)), lit(4L), lit(1L));
        assertSame(original2, new Object[0], p2, shard2);

        // grouped by two columns including a decimal, AVG of decimals
        String original3 = "SELECT g, s, AVG(d), COUNT(d) FROM t WHERE s IS NULL OR LENGTH(s) = 1 GROUP BY g, s ORDER BY g NULLS LAST, s";
        String shard3 = "SELECT g, s, SUM(d) AS \"AVG(D)\", COUNT(d) FROM t WHERE s IS NULL OR LENGTH(s) = 1 GROUP BY g, s";
        SelectMerge p3 = plan(4, false, new int[] {1, 2}, List.of(new AggregateColumn(3, Aggregate.AVG, 4),
                new AggregateColumn(4, Aggregate.COUNT, 0)), List.of(),
                List.of(new SortKey(1, true, false), new SortKey(2, true, true)), null, null);
        assertSame(original3, new Object[0], p3, shard3);
    }

    // ------------------------------------------------------------------ DISTINCT

    @Test
    void distinct() throws SQLException {
        SelectMerge p = plan(2, true, new int[0], List.of(), List.of(), List.of(), null, null);
        assertSameUnordered("SELECT DISTINCT g, LENGTH(s) FROM t", p, "SELECT DISTINCT g, LENGTH(s) FROM t");
    }

    @Test
    void distinctOrderByLimit() throws SQLException {
        SelectMerge p = plan(1, true, new int[0], List.of(), List.of(), List.of(new SortKey(1, false, false)), lit(4L), lit(1L));
        assertSame("SELECT DISTINCT g FROM t ORDER BY g DESC NULLS LAST LIMIT 4 OFFSET 1", new Object[0], p,
                "SELECT DISTINCT g FROM t ORDER BY g DESC NULLS LAST LIMIT 5");
        SelectMerge p2 = plan(2, true, new int[0], List.of(), List.of(),
                List.of(new SortKey(2, true, true), new SortKey(1, true, true)), lit(15L), null);
        assertSame("SELECT DISTINCT g, s FROM t ORDER BY s NULLS FIRST, g NULLS FIRST LIMIT 15", new Object[0], p2,
                "SELECT DISTINCT g, s FROM t ORDER BY s NULLS FIRST, g NULLS FIRST LIMIT 15");
    }

    @Test
    void distinctAndGroupKeysCompareNumerically() throws SQLException {
        // 1.0 on one shard and 1.00 on another are one value; Integer 2 and Long 2 too
        SelectMerge p = plan(1, true, new int[0], List.of(), List.of(), List.of(), null, null);
        List<ResultSet> results = List.of(
                shards.get(0).createStatement().executeQuery("SELECT CAST(1 AS DECIMAL(5,1)) UNION ALL SELECT 2.5"),
                shards.get(1).createStatement().executeQuery("SELECT CAST(1 AS DECIMAL(5,2)) UNION ALL SELECT 2.50"));
        try (MergedResultSet rs = MergedResultSet.of(p, results, null, null)) {
            assertThat(read(rs).rows()).hasSize(2);
        }
        SelectMerge g = plan(2, false, new int[] {1}, List.of(new AggregateColumn(2, Aggregate.SUM, 0)), List.of(),
                List.of(new SortKey(1, true, false)), null, null);
        results = List.of(
                shards.get(0).createStatement().executeQuery("SELECT CAST(2 AS INT) k, CAST(5 AS BIGINT) v"),
                shards.get(1).createStatement().executeQuery("SELECT CAST(2 AS BIGINT) k, CAST(7 AS BIGINT) v"));
        try (MergedResultSet rs = MergedResultSet.of(g, results, null, null)) {
            assertThat(read(rs).rows()).containsExactly(List.of(2, 12L));
        }
    }

    // ------------------------------------------------------------------ JDBC surface

    @Test
    void gettersWasNullAndConversionsOnBufferedRows() throws SQLException {
        SelectMerge p = plan(5, false, new int[] {1}, List.of(new AggregateColumn(2, Aggregate.COUNT, 0),
                new AggregateColumn(3, Aggregate.SUM, 0), new AggregateColumn(4, Aggregate.MAX, 0),
                new AggregateColumn(5, Aggregate.AVG, 6)), List.of(), List.of(new SortKey(1, true, true)), null, null);
        try (MergedResultSet rs = merge(p, "SELECT g, COUNT(*) AS cnt, SUM(d) AS total, MAX(dt) AS last_day,"
                + " SUM(a) AS \"AVG(A)\", COUNT(a) FROM t GROUP BY g")) {
            assertThat(rs.isBeforeFirst()).isTrue();
            assertThatThrownBy(() -> rs.getObject(1)).isInstanceOf(SQLException.class);
            assertThat(rs.next()).isTrue();
            assertThat(rs.isFirst()).isTrue();
            assertThat(rs.getRow()).isEqualTo(1);
            // the NULL group first
            assertThat(rs.getObject("G")).isNull();
            assertThat(rs.getInt("g")).isZero();
            assertThat(rs.wasNull()).isTrue();
            assertThat(rs.getString(1)).isNull();
            long cnt = rs.getLong("CNT");
            assertThat(rs.wasNull()).isFalse();
            assertThat(rs.getInt(2)).isEqualTo((int) cnt);
            assertThat(rs.getString(2)).isEqualTo(Long.toString(cnt));
            assertThat(rs.getBigDecimal(2)).isEqualTo(BigDecimal.valueOf(cnt));
            assertThat(rs.getDouble(2)).isEqualTo((double) cnt);
            assertThat(rs.getObject(2, Integer.class)).isEqualTo((int) cnt);
            BigDecimal total = rs.getBigDecimal("total");
            assertThat(total.scale()).isEqualTo(2);
            assertThat(rs.getString(3)).isEqualTo(total.toPlainString());
            assertThat(rs.getDouble(3)).isEqualTo(total.doubleValue());
            java.sql.Date day = rs.getDate("LAST_DAY");
            assertThat(rs.getTimestamp(4)).isEqualTo(java.sql.Timestamp.valueOf(day.toLocalDate().atStartOfDay()));
            assertThat(rs.getString(4)).isEqualTo(day.toString());
            assertThat(rs.getObject(4, java.time.LocalDate.class)).isEqualTo(day.toLocalDate());
            assertThat(rs.getObject(5)).isInstanceOf(Double.class);
            assertThat(rs.getMetaData().getColumnTypeName(5)).isEqualTo("DOUBLE PRECISION");
            assertThat(rs.getBoolean(2)).isTrue();
            // hidden column 6 (AVG's count) is invisible
            assertThatThrownBy(() -> rs.getObject(6)).isInstanceOf(SQLException.class).hasMessageContaining("Invalid column index");
            assertThatThrownBy(() -> rs.getLong("COUNT(A)")).isInstanceOf(SQLException.class).hasMessageContaining("not found");
            assertThatThrownBy(() -> rs.getMetaData().getColumnLabel(6)).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> rs.getObject(0)).isInstanceOf(SQLException.class);
            int n = 1;
            while (rs.next()) n++;
            assertThat(n).isEqualTo(13);
            assertThat(rs.isAfterLast()).isTrue();
            assertThat(rs.getRow()).isZero();
            assertThatThrownBy(() -> rs.getObject(1)).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void streamingGettersDelegateAndHideHiddenColumns() throws SQLException {
        SelectMerge p = plan(3, false, new int[0], List.of(), List.of(),
                List.of(new SortKey(4, true, false), new SortKey(1, true, false)), lit(3L), null);
        try (MergedResultSet rs = merge(p, "SELECT id, a, d, b FROM t WHERE b IS NOT NULL ORDER BY b, id LIMIT 3")) {
            ResultSetMetaData md = rs.getMetaData();
            assertThat(md.getColumnCount()).isEqualTo(3);
            assertThat(md.getColumnLabel(3)).isEqualTo("D");
            assertThat(md.getColumnTypeName(2)).isEqualTo("INTEGER");
            assertThatThrownBy(() -> md.getColumnType(4)).isInstanceOf(SQLException.class);
            assertThat(rs.findColumn("d")).isEqualTo(3);
            assertThatThrownBy(() -> rs.findColumn("B")).isInstanceOf(SQLException.class);
            assertThat(rs.next()).isTrue();
            assertThatThrownBy(() -> rs.getLong(4)).isInstanceOf(SQLException.class);
            Result expected = reference("SELECT id, a, d FROM t WHERE b IS NOT NULL ORDER BY b, id LIMIT 3");
            List<Object> first = expected.rows().get(0);
            assertThat(rs.getInt("ID")).isEqualTo(first.get(0));
            rs.getInt(2);
            assertThat(rs.wasNull()).isEqualTo(first.get(1) == null);
            assertThat(rs.getBigDecimal(3)).isEqualTo(first.get(2));
            assertThatThrownBy(rs::isLast).isInstanceOf(SQLFeatureNotSupportedException.class);
            assertThat(rs.next()).isTrue();
            assertThat(rs.next()).isTrue();
            assertThat(rs.next()).isFalse();
            assertThat(rs.isAfterLast()).isTrue();
        }
    }

    @Test
    void readOnlyForwardOnlySurface() throws SQLException {
        SelectMerge p = plan(1, false, new int[0], List.of(), List.of(), List.of(), null, null);
        try (Statement owner = reference.createStatement(); MergedResultSet rs = MergedResultSet.of(p,
                List.of(shards.get(0).createStatement().executeQuery("SELECT id FROM t")), null, owner)) {
            assertThat(rs.getStatement()).isSameAs(owner);
            assertThat(rs.getType()).isEqualTo(ResultSet.TYPE_FORWARD_ONLY);
            assertThat(rs.getConcurrency()).isEqualTo(ResultSet.CONCUR_READ_ONLY);
            assertThat((Object) rs.getWarnings()).isNull();
            assertThat(rs.next()).isTrue();
            assertThatThrownBy(() -> rs.updateInt(1, 5)).isInstanceOf(SQLFeatureNotSupportedException.class)
                    .hasMessageContaining("read-only and forward-only");
            assertThatThrownBy(rs::previous).isInstanceOf(SQLFeatureNotSupportedException.class);
            assertThatThrownBy(() -> rs.absolute(1)).isInstanceOf(SQLFeatureNotSupportedException.class);
            assertThatThrownBy(rs::insertRow).isInstanceOf(SQLFeatureNotSupportedException.class);
            assertThatThrownBy(() -> rs.updateString("ID", "x")).isInstanceOf(SQLFeatureNotSupportedException.class);
            assertThat(rs.unwrap(MergedResultSet.class)).isSameAs(rs);
        }
    }

    @Test
    void closeClosesEveryShardResult() throws SQLException {
        for (SelectMerge p : List.of(plan(1, false, new int[0], List.of(), List.of(), List.of(), null, null),
                plan(1, false, new int[0], List.of(new AggregateColumn(1, Aggregate.COUNT, 0)), List.of(), List.of(), null, null))) {
            List<ResultSet> results = new ArrayList<>();
            for (Connection c : shards) results.add(c.createStatement().executeQuery("SELECT COUNT(*) FROM t"));
            AtomicInteger closed = new AtomicInteger();
            MergedResultSet rs = MergedResultSet.of(p, results, null, null).onClose(closed::incrementAndGet);
            assertThat(rs.next()).isTrue();
            rs.close();
            rs.close();
            assertThat(rs.isClosed()).isTrue();
            assertThat(closed.get()).isEqualTo(1);
            for (ResultSet r : results) assertThat(r.isClosed()).isTrue();
            assertThatThrownBy(rs::next).isInstanceOf(SQLException.class);
        }
    }

    // ------------------------------------------------------------------ units

    @Test
    void sumOverflowPromotesToExactDecimal() throws SQLException {
        assertThat(MergedResultSet.add(Long.MAX_VALUE, 1L)).isEqualTo(new BigDecimal("9223372036854775808"));
        assertThat(MergedResultSet.add(1, 2)).isEqualTo(3L);
        assertThat(MergedResultSet.add(new BigDecimal("1.10"), 2L)).isEqualTo(new BigDecimal("3.10"));
        assertThat(MergedResultSet.add(1.5, 2L)).isEqualTo(3.5);
    }

    @Test
    void postgresDivisionScale() {
        // PostgreSQL: AVG of (1, 2) = 1.5000000000000000, AVG of (1, 1, 0) = 0.66666666666666666667
        assertThat(MergedResultSet.postgresDivScale(new BigDecimal(3), new BigDecimal(2))).isEqualTo(16);
        assertThat(MergedResultSet.postgresDivScale(new BigDecimal(2), new BigDecimal(3))).isEqualTo(20);
        // AVG of (10000.5, 20000.5) = 15000.500000000000
        assertThat(MergedResultSet.postgresDivScale(new BigDecimal("30001.0"), new BigDecimal(2))).isEqualTo(12);
    }

    @Test
    void orderOfValues() throws SQLException {
        assertThat(MergedValues.compare(1, 2L)).isNegative();
        assertThat(MergedValues.compare(new BigDecimal("2.50"), 2.5)).isZero();
        assertThat(MergedValues.compare("B", "a")).isNegative(); // binary, not a collation
        assertThat(MergedValues.compare(new byte[] {(byte) 0xff}, new byte[] {1})).isPositive();
        assertThat(MergedValues.normalize(new BigDecimal("1.00"))).isEqualTo(MergedValues.normalize(1L));
        assertThat(MergedValues.normalize(null)).isNull();
    }
}
