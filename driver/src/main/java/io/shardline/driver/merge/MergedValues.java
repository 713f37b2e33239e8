package io.shardline.driver.merge;

import io.shardline.routing.shard.SelectMerge.SortKey;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Calendar;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

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
 *
 * <p><b>Conversions.</b> A buffered merged value (what the shard's {@code getObject} returned) to what a
 * typed getter returns, following what H2 does for the same conversion: numbers convert to
 * numbers (a decimal to an integer rounds half up; out of range is SQLState 22003), anything
 * converts to a String, strings parse as numbers / dates / booleans ({@code TRUE T Y YES 1},
 * {@code FALSE F N NO 0}), dates and timestamps convert to each other.
 */
final class MergedValues {

    private MergedValues() {
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

    // ------------------------------------------------------------------ conversions to typed getters

    /** Reads LOBs into memory: a buffered row outlives the shard's cursor position. */
    static Object materialize(Object v) throws SQLException {
        if (v instanceof Clob c) {
            String s = c.length() == 0 ? "" : c.getSubString(1, (int) c.length());
            c.free();
            return s;
        }
        if (v instanceof Blob b) {
            byte[] bytes = b.length() == 0 ? new byte[0] : b.getBytes(1, (int) b.length());
            b.free();
            return bytes;
        }
        if (v instanceof SQLXML x) return x.getString();
        return v;
    }

    private static SQLDataException cannot(Object v, String target) {
        return new SQLDataException("cannot convert " + v.getClass().getSimpleName() + " value '" + display(v) + "' to "
                + target, "22018");
    }

    private static String display(Object v) {
        String s = v instanceof byte[] b ? HexFormat.of().formatHex(b) : String.valueOf(v);
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    static String toStr(Object v) {
        if (v == null || v instanceof String) return (String) v;
        if (v instanceof BigDecimal d) return d.toPlainString();
        if (v instanceof byte[] b) return HexFormat.of().formatHex(b);
        if (v instanceof Boolean b) return b ? "TRUE" : "FALSE";
        return v.toString();
    }

    static long toLong(Object v, long min, long max, String target) throws SQLException {
        if (v == null) return 0;
        long n;
        if (integral(v)) {
            n = ((Number) v).longValue();
        } else if (v instanceof Boolean b) {
            n = b ? 1 : 0;
        } else {
            BigDecimal d = v instanceof String s ? parse(s, target) : v instanceof Number num ? finite(num, target) : null;
            if (d == null) throw cannot(v, target);
            d = d.setScale(0, RoundingMode.HALF_UP);
            if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) throw outOfRange(v, target);
            n = d.longValue();
        }
        if (n < min || n > max) throw outOfRange(v, target);
        return n;
    }

    private static SQLDataException outOfRange(Object v, String target) {
        return new SQLDataException("Numeric value out of range: '" + display(v) + "' for " + target, "22003");
    }

    private static BigDecimal finite(Number n, String target) throws SQLException {
        if ((n instanceof Double || n instanceof Float) && !Double.isFinite(n.doubleValue())) throw cannot(n, target);
        return decimal(n);
    }

    private static BigDecimal parse(String s, String target) throws SQLException {
        try {
            return new BigDecimal(s.trim());
        } catch (NumberFormatException e) {
            throw new SQLDataException("cannot convert '" + display(s) + "' to " + target, "22018", e);
        }
    }

    static double toDouble(Object v) throws SQLException {
        if (v == null) return 0;
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof Boolean b) return b ? 1 : 0;
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw cannot(v, "DOUBLE");
            }
        }
        throw cannot(v, "DOUBLE");
    }

    static BigDecimal toBigDecimal(Object v) throws SQLException {
        if (v == null || v instanceof BigDecimal) return (BigDecimal) v;
        if (v instanceof Number n) return finite(n, "DECIMAL");
        if (v instanceof Boolean b) return b ? BigDecimal.ONE : BigDecimal.ZERO;
        if (v instanceof String s) return parse(s, "DECIMAL");
        throw cannot(v, "DECIMAL");
    }

    static boolean toBoolean(Object v) throws SQLException {
        if (v == null) return false;
        if (v instanceof Boolean b) return b;
        if (v instanceof Number n) return Double.isNaN(n.doubleValue()) || !Double.isFinite(n.doubleValue())
                || decimal(n).signum() != 0;
        if (v instanceof String s) {
            switch (s.trim().toUpperCase(Locale.ROOT)) {
                case "TRUE", "T", "Y", "YES", "1":
                    return true;
                case "FALSE", "F", "N", "NO", "0":
                    return false;
                default:
                    throw cannot(v, "BOOLEAN");
            }
        }
        throw cannot(v, "BOOLEAN");
    }

    static byte[] toBytes(Object v) throws SQLException {
        if (v == null) return null;
        if (v instanceof byte[] b) return b.clone();
        if (v instanceof String s) return s.getBytes(StandardCharsets.UTF_8);
        if (v instanceof UUID u) {
            byte[] b = new byte[16];
            java.nio.ByteBuffer.wrap(b).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
            return b;
        }
        throw cannot(v, "VARBINARY");
    }

    private static LocalDateTime localDateTime(Object v, String target) throws SQLException {
        if (v instanceof Timestamp t) return t.toLocalDateTime();
        if (v instanceof java.sql.Date d) return d.toLocalDate().atStartOfDay();
        if (v instanceof Time t) return t.toLocalTime().atDate(LocalDate.of(1970, 1, 1));
        if (v instanceof java.util.Date d) return new Timestamp(d.getTime()).toLocalDateTime();
        if (v instanceof LocalDateTime t) return t;
        if (v instanceof LocalDate d) return d.atStartOfDay();
        if (v instanceof LocalTime t) return t.atDate(LocalDate.of(1970, 1, 1));
        if (v instanceof OffsetDateTime t) return t.atZoneSameInstant(ZoneId.systemDefault()).toLocalDateTime();
        if (v instanceof java.time.ZonedDateTime t) return t.withZoneSameInstant(ZoneId.systemDefault()).toLocalDateTime();
        if (v instanceof Instant i) return LocalDateTime.ofInstant(i, ZoneId.systemDefault());
        if (v instanceof String s) {
            String t = s.trim();
            try {
                if (t.length() == 10) return LocalDate.parse(t).atStartOfDay();
                if (t.length() <= 8 || t.indexOf('-') < 0) return LocalTime.parse(t).atDate(LocalDate.of(1970, 1, 1));
                return LocalDateTime.parse(t.replace(' ', 'T'));
            } catch (RuntimeException e) {
                throw cannot(v, target);
            }
        }
        throw cannot(v, target);
    }

    /** The instant of local date-time fields in a calendar's time zone. */
    private static long millis(LocalDateTime t, Calendar cal) {
        Calendar c = (Calendar) cal.clone();
        c.clear();
        c.set(t.getYear(), t.getMonthValue() - 1, t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
        return c.getTimeInMillis();
    }

    static java.sql.Date toDate(Object v, Calendar cal) throws SQLException {
        if (v == null) return null;
        if (v instanceof java.sql.Date d && cal == null) return d;
        LocalDate d = localDateTime(v, "DATE").toLocalDate();
        return cal == null ? java.sql.Date.valueOf(d) : new java.sql.Date(millis(d.atStartOfDay(), cal));
    }

    static Time toTime(Object v, Calendar cal) throws SQLException {
        if (v == null) return null;
        if (v instanceof Time t && cal == null) return t;
        LocalTime t = localDateTime(v, "TIME").toLocalTime();
        return cal == null ? Time.valueOf(t) : new Time(millis(t.atDate(LocalDate.of(1970, 1, 1)), cal));
    }

    static Timestamp toTimestamp(Object v, Calendar cal) throws SQLException {
        if (v == null) return null;
        if (v instanceof Timestamp t && cal == null) return t;
        LocalDateTime t = localDateTime(v, "TIMESTAMP");
        if (cal == null) return Timestamp.valueOf(t);
        Timestamp ts = new Timestamp(millis(t, cal));
        ts.setNanos(t.getNano());
        return ts;
    }

    static URL toUrl(Object v) throws SQLException {
        if (v == null || v instanceof URL) return (URL) v;
        try {
            return new URL(toStr(v));
        } catch (MalformedURLException e) {
            throw new SQLDataException("not a URL: " + display(v), "22018", e);
        }
    }

    /** {@code getObject(column, type)}. */
    @SuppressWarnings("unchecked")
    static <T> T toType(Object v, Class<T> type) throws SQLException {
        if (type == null) throw new SQLException("type must not be null", "22023");
        if (v == null) return null;
        if (type.isInstance(v) && !(v instanceof byte[])) return (T) v;
        Object r;
        if (type == String.class) r = toStr(v);
        else if (type == Integer.class || type == int.class) r = (int) toLong(v, Integer.MIN_VALUE, Integer.MAX_VALUE, "INTEGER");
        else if (type == Long.class || type == long.class) r = toLong(v, Long.MIN_VALUE, Long.MAX_VALUE, "BIGINT");
        else if (type == Short.class || type == short.class) r = (short) toLong(v, Short.MIN_VALUE, Short.MAX_VALUE, "SMALLINT");
        else if (type == Byte.class || type == byte.class) r = (byte) toLong(v, Byte.MIN_VALUE, Byte.MAX_VALUE, "TINYINT");
        else if (type == Double.class || type == double.class) r = toDouble(v);
        else if (type == Float.class || type == float.class) r = (float) toDouble(v);
        else if (type == Boolean.class || type == boolean.class) r = toBoolean(v);
        else if (type == BigDecimal.class) r = toBigDecimal(v);
        else if (type == BigInteger.class) r = toBigDecimal(v).setScale(0, RoundingMode.HALF_UP).toBigIntegerExact();
        else if (type == byte[].class) r = toBytes(v);
        else if (type == java.sql.Date.class) r = toDate(v, null);
        else if (type == Time.class) r = toTime(v, null);
        else if (type == Timestamp.class) r = toTimestamp(v, null);
        else if (type == LocalDate.class) r = localDateTime(v, "DATE").toLocalDate();
        else if (type == LocalTime.class) r = localDateTime(v, "TIME").toLocalTime();
        else if (type == LocalDateTime.class) r = localDateTime(v, "TIMESTAMP");
        else if (type == OffsetDateTime.class) r = localDateTime(v, "TIMESTAMP WITH TIME ZONE").atZone(ZoneId.systemDefault()).toOffsetDateTime();
        else if (type == Instant.class) r = localDateTime(v, "TIMESTAMP WITH TIME ZONE").atZone(ZoneId.systemDefault()).toInstant();
        else if (type == UUID.class) {
            try {
                r = UUID.fromString(toStr(v).trim());
            } catch (IllegalArgumentException e) {
                throw cannot(v, "UUID");
            }
        } else if (type == Clob.class) r = new javax.sql.rowset.serial.SerialClob(toStr(v).toCharArray());
        else if (type == Blob.class) r = new javax.sql.rowset.serial.SerialBlob(toBytes(v));
        else if (type == URL.class) r = toUrl(v);
        else if (type == Object.class) r = v;
        else throw cannot(v, type.getName());
        return (T) r;
    }
}
