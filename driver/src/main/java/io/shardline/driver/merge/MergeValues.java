package io.shardline.driver.merge;

import io.shardline.routing.shard.SelectMerge.SortKey;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;

/**
 * Comparison, equality and conversion of the plain Java values ({@code getObject}) that a merged
 * cross-shard result combines.
 *
 * <p><b>Order.</b> Numbers compare numerically whatever their classes ({@code Integer 1 < Long 2
 * < BigDecimal 2.5}); strings with {@link String#compareTo} — a <em>binary</em> (UTF-16 code
 * unit) order, not the database's collation: on a database with a case- or accent-insensitive or
 * locale collation, merged ORDER BY / MIN / MAX of strings may differ from the single-database
 * answer. {@code byte[]} compare unsigned-lexicographically; other values with their
 * {@link Comparable} order.
 *
 * <p><b>Equality</b> (GROUP BY keys, DISTINCT): numbers are equal when numerically equal
 * ({@code 1.0} and {@code 1.00}, {@code Integer 1} and {@code Long 1}); NULLs are equal to each
 * other (as SQL groups them); strings by {@link String#equals} (binary again).
 */
final class MergeValues {

    private MergeValues() {
    }

    /** Compares two non-null values; see the class comment. */
    static int compare(Object a, Object b) throws SQLException {
        if (a instanceof Number x && b instanceof Number y) return compareNumbers(x, y);
        if (a instanceof byte[] x && b instanceof byte[] y) return Arrays.compareUnsigned(x, y);
        if (a instanceof String x && b instanceof String y) return x.compareTo(y);
        if (a instanceof Boolean x && b instanceof Boolean y) return x.compareTo(y);
        if (a instanceof Timestamp x && b instanceof Timestamp y) return x.compareTo(y);
        if (a instanceof java.util.Date x && b instanceof java.util.Date y && !(a instanceof Timestamp) && !(b instanceof Timestamp)) {
            return x.compareTo(y);
        }
        if (a instanceof Comparable<?> && a.getClass() == b.getClass()) {
            @SuppressWarnings("unchecked") Comparable<Object> c = (Comparable<Object>) a;
            return c.compareTo(b);
        }
        if (a instanceof Comparable<?>) {
            try {
                @SuppressWarnings("unchecked") Comparable<Object> c = (Comparable<Object>) a;
                return c.compareTo(b);
            } catch (ClassCastException ignored) {
                // fall through
            }
        }
        throw new SQLDataException("cannot compare " + a.getClass().getName() + " with " + b.getClass().getName()
                + " while merging cross-shard rows", "22000");
    }

    /** Orders two values by one sort key, NULLs placed per {@link SortKey#nullsFirst()}. */
    static int compare(SortKey key, Object a, Object b) throws SQLException {
        if (a == null || b == null) {
            if (a == b) return 0;
            return (a == null) == key.nullsFirst() ? -1 : 1;
        }
        int c = compare(a, b);
        return key.ascending() ? c : -c;
    }

    /** Orders two rows of sort-key values (element i belongs to {@code keys.get(i)}). */
    static int compareKeys(List<SortKey> keys, Object[] a, Object[] b) throws SQLException {
        for (int i = 0; i < keys.size(); i++) {
            int c = compare(keys.get(i), a[i], b[i]);
            if (c != 0) return c;
        }
        return 0;
    }

    /** Orders two full rows (element i is column i + 1). */
    static int compareRows(List<SortKey> keys, Object[] a, Object[] b) throws SQLException {
        for (SortKey k : keys) {
            int c = compare(k, a[k.column() - 1], b[k.column() - 1]);
            if (c != 0) return c;
        }
        return 0;
    }

    static boolean integral(Object n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
    }

    static int compareNumbers(Number a, Number b) {
        if (integral(a) && integral(b)) return Long.compare(a.longValue(), b.longValue());
        if (nonFinite(a) || nonFinite(b)) return Double.compare(a.doubleValue(), b.doubleValue());
        return decimal(a).compareTo(decimal(b));
    }

    private static boolean nonFinite(Number n) {
        return (n instanceof Double || n instanceof Float) && !Double.isFinite(n.doubleValue());
    }

    /** The exact decimal value of a finite number. */
    static BigDecimal decimal(Number n) {
        if (n instanceof BigDecimal d) return d;
        if (n instanceof BigInteger i) return new BigDecimal(i);
        if (integral(n)) return BigDecimal.valueOf(n.longValue());
        if (n instanceof Double || n instanceof Float) return BigDecimal.valueOf(n.doubleValue());
        return new BigDecimal(n.toString());
    }

    /** A representative of the value for equality and hashing (GROUP BY keys, DISTINCT). */
    static Object normalize(Object v) {
        if (v instanceof Number n) {
            if (nonFinite(n)) return n.doubleValue();
            BigDecimal d = decimal(n);
            return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
        }
        if (v instanceof byte[] b) return ByteBuffer.wrap(b);
        return v;
    }

    /** A group / DISTINCT key: the normalized values of some columns. */
    static List<Object> key(Object[] row, int[] columns) {
        Object[] k = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) k[i] = normalize(row[columns[i] - 1]);
        return Arrays.asList(k);
    }

    /**
     * Converts a HAVING operand (literal or parameter) so it compares with a merged value: a string
     * compared with a number, date or time is parsed as one (as the database would cast it).
     */
    static Object coerce(Object operand, Object sample) throws SQLException {
        if (!(operand instanceof String s) || sample == null || sample instanceof String) return operand;
        try {
            s = s.trim();
            if (sample instanceof Number) return new BigDecimal(s);
            if (sample instanceof Timestamp) return Timestamp.valueOf(s.length() == 10 ? s + " 00:00:00" : s);
            if (sample instanceof java.sql.Date) return java.sql.Date.valueOf(s);
            if (sample instanceof Time) return Time.valueOf(s);
            if (sample instanceof LocalDate) return LocalDate.parse(s);
            if (sample instanceof LocalDateTime) return LocalDateTime.parse(s.replace(' ', 'T'));
            if (sample instanceof LocalTime) return LocalTime.parse(s);
            if (sample instanceof OffsetDateTime) return OffsetDateTime.parse(s.replace(' ', 'T'));
            if (sample instanceof Boolean) return Boolean.valueOf(s);
        } catch (RuntimeException e) {
            throw new SQLDataException("cannot convert '" + s + "' to " + sample.getClass().getSimpleName()
                    + " for a HAVING comparison", "22018", e);
        }
        return operand;
    }

    /** A non-negative row count from a LIMIT / OFFSET bound; null when absent. */
    static Long count(Object v, String what) throws SQLException {
        if (v == null) return null;
        long n;
        if (v instanceof Number num) n = decimal(num).setScale(0, RoundingMode.DOWN).longValueExact();
        else {
            try {
                n = Long.parseLong(v.toString().trim());
            } catch (NumberFormatException e) {
                throw new SQLDataException("invalid " + what + " value: " + v, "22023");
            }
        }
        if (n < 0) throw new SQLDataException("invalid " + what + " value: " + n + " (must not be negative)", "22023");
        return n;
    }
}
