package io.shardline.replication.apply;

import io.shardline.replication.log.Dialect;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * A column of a replica whose engine is not its primary's (or the primary's column it is compared
 * with): its name there, the kind of value it holds, and how a value of the primary is written
 * into it and compared with it.
 *
 * <p>Why a kind, and not the primary's type: a row image carries each value as the primary's
 * engine represents it — Java objects from H2, text in a named form from MySQL and PostgreSQL
 * triggers (a boolean is {@code t}/{@code f} text from PostgreSQL, {@code 0}/{@code 1} from
 * MySQL, a {@code TIMESTAMP}/{@code timestamptz} epoch seconds) — and only the replica's column
 * says what it must become. Every conversion here is exact or fails: a value that has no exact
 * equivalent in the target kind (a boolean column given {@code 2}, a decimal with a fraction
 * given to an integer column, text that is not a date) throws, which halts the replica
 * (BROKEN) instead of storing something else. Columns of the same engine never come here: their
 * values are bound as they came ({@code RowStatements}).
 *
 * @param name the column's name on the replica, as its metadata gives it
 * @param kind what the column holds
 * @param typeName the replica's type name, for messages
 * @param dialect the replica's engine
 */
public record TargetColumn(String name, Kind kind, String typeName, Dialect dialect) {

    /** What a column holds, as far as moving values between engines is concerned. */
    public enum Kind {
        BOOLEAN, INTEGER, DECIMAL, REAL, DOUBLE, TEXT, CHAR, BINARY, DATE, TIME, TIMESTAMP,
        /** An instant: PostgreSQL {@code timestamptz}, H2 {@code TIMESTAMP WITH TIME ZONE}. */
        INSTANT,
        /** MySQL's {@code TIMESTAMP}: an instant, written as epoch seconds through {@code FROM_UNIXTIME}. */
        MYSQL_TIMESTAMP,
        UUID,
        /** Anything else: the value is bound as it came. */
        OTHER
    }

    /**
     * The kind of a replica column from its {@link java.sql.DatabaseMetaData#getColumns} row.
     *
     * @param jdbcType {@code DATA_TYPE}
     * @param typeName {@code TYPE_NAME}
     * @param size {@code COLUMN_SIZE}
     */
    public static Kind kindOf(Dialect dialect, int jdbcType, String typeName, int size) {
        String t = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        if (t.equals("uuid")) return Kind.UUID;
        if (dialect == Dialect.POSTGRESQL && t.equals("timestamptz")) return Kind.INSTANT;
        if (dialect == Dialect.MYSQL && t.startsWith("timestamp")) return Kind.MYSQL_TIMESTAMP;
        if (dialect == Dialect.POSTGRESQL && t.equals("bpchar")) return Kind.CHAR;
        if (dialect == Dialect.H2 && t.startsWith("character") && !t.contains("varying") && !t.contains("large")) return Kind.CHAR;
        if (dialect == Dialect.MYSQL && t.equals("char")) return Kind.CHAR;
        return switch (jdbcType) {
            case Types.BOOLEAN -> Kind.BOOLEAN;
            // MySQL reports TINYINT(1) and BIT(1) as BIT; wider BIT columns are bit strings
            case Types.BIT -> size <= 1 ? Kind.BOOLEAN : Kind.OTHER;
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> Kind.INTEGER;
            case Types.DECIMAL, Types.NUMERIC -> Kind.DECIMAL;
            case Types.REAL -> Kind.REAL;
            case Types.FLOAT, Types.DOUBLE -> Kind.DOUBLE;
            case Types.CHAR, Types.NCHAR -> Kind.CHAR;
            case Types.VARCHAR, Types.NVARCHAR, Types.LONGVARCHAR, Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB -> Kind.TEXT;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> Kind.BINARY;
            case Types.DATE -> Kind.DATE;
            case Types.TIME -> Kind.TIME;
            case Types.TIMESTAMP -> Kind.TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> Kind.INSTANT;
            default -> Kind.OTHER;
        };
    }

    /** The placeholder for this column's value in a statement ({@code FROM_UNIXTIME(?)} for {@link Kind#MYSQL_TIMESTAMP}). */
    public String placeholder() {
        return kind == Kind.MYSQL_TIMESTAMP ? "FROM_UNIXTIME(?)" : "?";
    }

    /**
     * Binds {@code v} (a value of the primary: a Java object, or text in the image's {@code form})
     * as this column's kind.
     *
     * @param form the value's form in a text image, or null for a Java object
     * @throws SQLException if the value has no exact equivalent in this column
     */
    public void bind(PreparedStatement ps, int i, Object v, String form) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.NULL);
            return;
        }
        try {
            switch (kind) {
                case BOOLEAN -> ps.setBoolean(i, bool(v));
                case INTEGER -> ps.setLong(i, integer(v));
                case DECIMAL -> ps.setBigDecimal(i, decimal(v));
                case REAL -> ps.setFloat(i, v instanceof Number n ? n.floatValue() : Float.parseFloat(text(v)));
                case DOUBLE -> ps.setDouble(i, v instanceof Number n ? n.doubleValue() : Double.parseDouble(text(v)));
                case TEXT, CHAR -> ps.setString(i, text(v));
                case BINARY -> ps.setBytes(i, bytes(v));
                case DATE -> bindTemporal(ps, i, date(v), dialect);
                case TIME -> bindTemporal(ps, i, time(v), dialect);
                case TIMESTAMP -> bindTemporal(ps, i, timestamp(v, form), dialect);
                case INSTANT -> ps.setObject(i, instant(v, form).atOffset(ZoneOffset.UTC));
                case MYSQL_TIMESTAMP -> ps.setBigDecimal(i, epochSeconds(instant(v, form)));
                case UUID -> {
                    UUID u = v instanceof UUID x ? x : UUID.fromString(text(v));
                    // MariaDB's UUID type takes its text; H2 and PostgreSQL the object
                    if (dialect == Dialect.MYSQL) ps.setString(i, u.toString());
                    else ps.setObject(i, u);
                }
                // MariaDB's UUID type, which Connector/J does not know (it would serialize a UUID object)
                case OTHER -> {
                    if (v instanceof UUID u && dialect == Dialect.MYSQL) ps.setString(i, u.toString());
                    else ps.setObject(i, v);
                }
            }
        } catch (RuntimeException e) {
            throw new SQLException("value " + describe(v) + " of the primary has no exact equivalent in column \"" + name
                    + "\" (" + typeName + ") of the replica: " + e.getMessage(), "22000", e);
        }
    }

    /**
     * Binds a date, time or date-time ({@code LocalDate}, {@code LocalTime}, {@code LocalDateTime})
     * for {@code dialect}. MySQL/MariaDB get it as text, which the server reads with its fraction:
     * Connector/J drops the fraction of such an object for a server whose version string it reads
     * as 5.5 (MariaDB's "5.5.5-10.x"). Every write of Shardline's own that binds one goes through here.
     */
    public static void bindTemporal(PreparedStatement ps, int i, java.time.temporal.Temporal value, Dialect dialect)
            throws SQLException {
        if (dialect != Dialect.MYSQL) ps.setObject(i, value);
        else if (value instanceof LocalDateTime t) ps.setString(i, t.toLocalDate() + " " + t.toLocalTime());
        else ps.setString(i, value.toString());
    }

    /**
     * The value a verify compares for this column, in one form for every engine: what the
     * column's value means, not how its engine prints it.
     *
     * @param v the value as read by {@link #read}
     */
    public String canonical(Object v) {
        if (v == null) return null;
        return switch (kind) {
            case BOOLEAN -> Boolean.toString(bool(v));
            case INTEGER -> Long.toString(integer(v));
            case DECIMAL -> {
                BigDecimal d = decimal(v);
                yield d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
            }
            // by their bits, except that -0.0 is 0.0 (+ 0.0 makes it so): MySQL/MariaDB store a negative zero as 0
            case REAL -> Integer.toHexString(Float.floatToIntBits((v instanceof Number n ? n.floatValue() : Float.parseFloat(text(v))) + 0.0f));
            case DOUBLE -> Long.toHexString(Double.doubleToLongBits((v instanceof Number n ? n.doubleValue() : Double.parseDouble(text(v))) + 0.0));
            case TEXT -> text(v);
            case CHAR -> text(v).stripTrailing();
            case BINARY -> HexFormat.of().formatHex(bytes(v));
            case DATE -> date(v).toString();
            case TIME -> time(v).toString();
            case TIMESTAMP -> timestamp(v, null).toString();
            case INSTANT, MYSQL_TIMESTAMP -> instant(v, null).toString();
            case UUID -> (v instanceof UUID u ? u : UUID.fromString(text(v))).toString();
            case OTHER -> v instanceof byte[] b ? HexFormat.of().formatHex(b) : v.toString();
        };
    }

    /**
     * The one kind a primary's column of kind {@code primary} and its replica column (of another
     * engine) of kind {@code replica} are compared as: a kind both sides' values read exactly in
     * ({@link #canonical} of a column of that kind). Equal kinds compare as that kind; an instant
     * ({@link Kind#INSTANT}, {@link Kind#MYSQL_TIMESTAMP}) and a {@link Kind#TIMESTAMP} as the
     * instant, the timestamp read as UTC (how an instant is stored where the replica has no
     * zone-aware type: a PostgreSQL {@code timestamptz} is a MySQL {@code DATETIME} holding UTC);
     * {@code CHAR} and text as {@code CHAR} (trailing spaces ignored: MySQL strips them from a
     * {@code CHAR}, PostgreSQL pads it); an integer and a decimal as the decimal; a boolean and an
     * integer as the boolean; a UUID and text (or {@code CHAR}) as the UUID; a UUID and bytes as
     * the bytes.
     *
     * @return the kind, or null when the two cannot be compared — among them {@link Kind#OTHER}
     *     with anything: a type of unknown representation reads differently on each engine
     */
    public static Kind comparedAs(Kind primary, Kind replica) {
        if (primary == Kind.OTHER || replica == Kind.OTHER) return null;
        if (primary == replica) return primary;
        java.util.Set<Kind> pair = java.util.EnumSet.of(primary, replica);
        if (java.util.EnumSet.of(Kind.INSTANT, Kind.MYSQL_TIMESTAMP, Kind.TIMESTAMP).containsAll(pair)) return Kind.INSTANT;
        if (pair.equals(java.util.EnumSet.of(Kind.CHAR, Kind.TEXT))) return Kind.CHAR;
        if (pair.equals(java.util.EnumSet.of(Kind.INTEGER, Kind.DECIMAL))) return Kind.DECIMAL;
        if (pair.equals(java.util.EnumSet.of(Kind.BOOLEAN, Kind.INTEGER))) return Kind.BOOLEAN;
        if (pair.equals(java.util.EnumSet.of(Kind.UUID, Kind.TEXT)) || pair.equals(java.util.EnumSet.of(Kind.UUID, Kind.CHAR))) {
            return Kind.UUID;
        }
        if (pair.equals(java.util.EnumSet.of(Kind.UUID, Kind.BINARY))) return Kind.BINARY;
        return null;
    }

    /** The comparison rule {@link #canonical} applies, for a verify report. */
    public String rule() {
        return switch (kind) {
            case BOOLEAN -> "boolean (true/false, 1/0)";
            case INTEGER -> "integer by value";
            case DECIMAL -> "decimal by value (scale ignored)";
            case REAL -> "float by its bits (-0.0 as 0.0)";
            case DOUBLE -> "double by its bits (-0.0 as 0.0)";
            case TEXT -> "text exactly";
            case CHAR -> "fixed-length text without trailing spaces";
            case BINARY -> "bytes exactly";
            case DATE -> "date";
            case TIME -> "time of day";
            case TIMESTAMP -> "date and time, without zone";
            case INSTANT, MYSQL_TIMESTAMP -> "the instant (UTC)";
            case UUID -> "UUID";
            case OTHER -> "text of the value";
        };
    }

    private static String text(Object v) {
        if (v instanceof String s) return s;
        if (v instanceof Character || v instanceof UUID) return v.toString();
        if (v instanceof java.sql.Clob c) {
            try {
                return c.getSubString(1, (int) c.length());
            } catch (SQLException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("not text");
    }

    private static boolean bool(Object v) {
        if (v instanceof Boolean b) return b;
        if (v instanceof Number n) {
            long l = integer(n);
            if (l == 0 || l == 1) return l == 1;
            throw new IllegalArgumentException("not 0 or 1");
        }
        if (v instanceof byte[] b && b.length == 1 && (b[0] == 0 || b[0] == 1)) return b[0] == 1;
        return switch (text(v).toLowerCase(Locale.ROOT)) {
            case "t", "true", "1" -> true;
            case "f", "false", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    private static long integer(Object v) {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) return ((Number) v).longValue();
        if (v instanceof Boolean b) return b ? 1 : 0;
        if (v instanceof BigDecimal d) return d.longValueExact();
        if (v instanceof BigInteger b) return b.longValueExact();
        if (v instanceof Number) throw new IllegalArgumentException("not an integer");
        return Long.parseLong(text(v));
    }

    private static BigDecimal decimal(Object v) {
        if (v instanceof BigDecimal d) return d;
        if (v instanceof BigInteger b) return new BigDecimal(b);
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) return BigDecimal.valueOf(((Number) v).longValue());
        if (v instanceof Number) throw new IllegalArgumentException("a binary floating-point value");
        return new BigDecimal(text(v));
    }

    private static byte[] bytes(Object v) {
        if (v instanceof byte[] b) return b;
        if (v instanceof UUID u) return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
        if (v instanceof java.sql.Blob b) {
            try {
                return b.getBytes(1, (int) b.length());
            } catch (SQLException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        throw new IllegalArgumentException("not bytes");
    }

    private static LocalDate date(Object v) {
        if (v instanceof LocalDate d) return d;
        if (v instanceof java.sql.Date d) return d.toLocalDate();
        return LocalDate.parse(text(v));
    }

    private static LocalTime time(Object v) {
        if (v instanceof LocalTime t) return t;
        if (v instanceof java.sql.Time t) return t.toLocalTime();
        return LocalTime.parse(text(v));
    }

    /**
     * A date and time without zone. An instant (MySQL {@code TIMESTAMP}, PostgreSQL
     * {@code timestamptz}) becomes its UTC date and time: that is how Shardline stores it where the
     * replica has no zone-aware type of that range (PostgreSQL {@code timestamptz} on MySQL is a
     * {@code DATETIME} holding UTC).
     */
    private static LocalDateTime timestamp(Object v, String form) {
        if (v instanceof LocalDateTime t) return t;
        if (v instanceof java.sql.Timestamp t) return t.toLocalDateTime();
        if ("Z".equals(form) || v instanceof OffsetDateTime || v instanceof Instant || v instanceof ZonedDateTime) {
            return LocalDateTime.ofInstant(instant(v, form), ZoneOffset.UTC);
        }
        return LocalDateTime.parse(text(v).replace(' ', 'T'));
    }

    private static Instant instant(Object v, String form) {
        if (v instanceof Instant i) return i;
        if (v instanceof OffsetDateTime o) return o.toInstant();
        if (v instanceof ZonedDateTime z) return z.toInstant();
        if (v instanceof BigDecimal epoch && "Z".equals(form)) {
            BigDecimal[] parts = epoch.divideAndRemainder(BigDecimal.ONE);
            long seconds = parts[0].longValueExact();
            long nanos = parts[1].movePointRight(9).longValueExact();
            return Instant.ofEpochSecond(seconds, nanos);
        }
        if (v instanceof java.sql.Timestamp t) return t.toInstant(); // read back from a MySQL TIMESTAMP at UTC
        if (v instanceof LocalDateTime t) return t.toInstant(ZoneOffset.UTC);
        throw new IllegalArgumentException("not an instant");
    }

    private static BigDecimal epochSeconds(Instant i) {
        return BigDecimal.valueOf(i.getEpochSecond()).add(BigDecimal.valueOf(i.getNano(), 9)).stripTrailingZeros();
    }

    private static String describe(Object v) {
        if (v instanceof byte[] b) return b.length + " bytes";
        String s = String.valueOf(v);
        return (s.length() > 40 ? s.substring(0, 40) + "..." : s) + " (" + v.getClass().getSimpleName() + ")";
    }
}
