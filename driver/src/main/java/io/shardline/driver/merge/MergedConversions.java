package io.shardline.driver.merge;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.MalformedURLException;
import java.net.URL;
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
import java.util.Calendar;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * Conversions of a buffered merged value (what the shard's {@code getObject} returned) to what a
 * typed getter returns, following what H2 does for the same conversion: numbers convert to
 * numbers (a decimal to an integer rounds half up; out of range is SQLState 22003), anything
 * converts to a String, strings parse as numbers / dates / booleans ({@code TRUE T Y YES 1},
 * {@code FALSE F N NO 0}), dates and timestamps convert to each other.
 */
final class MergedConversions {

    private MergedConversions() {
    }

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
        if (MergeValues.integral(v)) {
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
        return MergeValues.decimal(n);
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
                || MergeValues.decimal(n).signum() != 0;
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
