package io.shardline.replication.log;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.HexFormat;
import java.util.Objects;
import java.util.UUID;

/**
 * The one owner of the replication log payload format: the bytes stored in a log entry on the
 * primary, holding the statements of one committed transaction with their bound parameters, and
 * read back by the replica appliers. Nothing else in Shardline may build or parse these bytes.
 *
 * <p>Parameters are stored in a typed encoding of JDBC values, never with Java serialization: the
 * payload is readable by any future build, cannot execute code on decode, and each value comes
 * back as exactly the Java type and value that went in (e.g. a {@code BigDecimal} {@code 1.50}
 * stays {@code 1.50}, a {@code Character} stays a {@code Character}, {@code -0.0} and NaN stay as
 * they were, bit for bit).
 *
 * <h2>Why the format is versioned</h2>
 * Log entries outlive the process that wrote them: during a rolling upgrade an old and a new
 * application instance write to and apply from the same log, and entries written by one build may
 * be applied by the next. The first byte therefore names the format version. A decoder accepts
 * only versions it fully understands and rejects any other with an {@link IllegalArgumentException}
 * instead of guessing, so a format change can never be applied divergently on a replica (the
 * applier halts that replica and reports it). A future version may add tags or fields; this build
 * writes and reads {@value #FORMAT_VERSION}.
 *
 * <h2>Byte layout, version 1</h2>
 * Notation: {@code uvarint} = unsigned LEB128 (7 bits per byte, low group first, high bit set on
 * every byte but the last; at most 5 bytes for an int, 10 for a long); {@code svarint} = a signed
 * value zig-zag mapped ({@code (n << 1) ^ (n >> 63)}) and then written as {@code uvarint};
 * {@code str} = {@code uvarint} byte length followed by that many bytes of strict UTF-8;
 * fixed-width numbers are big-endian.
 * <pre>
 * payload   := version:u8 (= 1)  count:uvarint  statement{count}
 * statement := kind:u8 (0 = DML, 1 = DDL)  sql:str  nparams:uvarint  param{nparams}
 * param     := tagbyte:u8  [sqlType:svarint]  value
 *              tagbyte = tag | 0x80 when an explicit java.sql.Types code follows,
 *              tag alone when the parameter has LoggedStatement.NO_TYPE
 * </pre>
 * Values, by tag:
 * <pre>
 *  0 null             (nothing)
 *  1 Boolean false    (nothing)
 *  2 Boolean true     (nothing)
 *  3 Byte             1 byte
 *  4 Short            svarint
 *  5 Integer          svarint
 *  6 Long             svarint
 *  7 Float            4 bytes: Float.floatToRawIntBits
 *  8 Double           8 bytes: Double.doubleToRawLongBits
 *  9 BigDecimal       scale:svarint  unscaled:uvarint length + two's-complement bytes (BigInteger.toByteArray)
 * 10 BigInteger       uvarint length + two's-complement bytes (BigInteger.toByteArray)
 * 11 String           str
 * 12 Character        uvarint (the UTF-16 code unit, 0..0xFFFF)
 * 13 byte[]           uvarint length + bytes
 * 14 java.sql.Date      epochDay:svarint                      of toLocalDate()
 * 15 java.sql.Time      nanoOfDay:uvarint                     of toLocalTime() plus the millisecond
 * 16 java.sql.Timestamp epochDay:svarint nanoOfDay:uvarint    of toLocalDateTime() (nanos included)
 * 17 java.util.Date     epochMilli:svarint                    (getTime(), an instant)
 * 18 LocalDate        epochDay:svarint
 * 19 LocalTime        nanoOfDay:uvarint
 * 20 LocalDateTime    epochDay:svarint nanoOfDay:uvarint
 * 21 OffsetDateTime   epochDay:svarint nanoOfDay:uvarint offsetSeconds:svarint
 * 22 OffsetTime       nanoOfDay:uvarint offsetSeconds:svarint
 * 23 ZonedDateTime    epochDay:svarint nanoOfDay:uvarint offsetSeconds:svarint zoneId:str
 * 24 Instant          epochSecond:svarint nano:uvarint
 * 25 Duration         seconds:svarint nano:uvarint
 * 26 UUID             16 bytes: most significant long, least significant long
 * </pre>
 * The payload must end exactly after the last statement. Anything else (an unknown version, kind
 * or tag, a length past the end, an over-long varint, trailing bytes, invalid UTF-8, an impossible
 * date/time field, an unknown zone id) makes {@link #decode} throw {@link IllegalArgumentException};
 * it never returns partial data. The format carries no checksum: it relies on the database for
 * storage integrity and detects structural damage only.
 *
 * <h2>java.sql.Date, Time and Timestamp: the wall clock is replicated</h2>
 * These classes hold an instant but a JDBC driver binds them as the wall-clock value they show in
 * the JVM's default time zone ({@code DATE}, {@code TIME}, {@code TIMESTAMP} without time zone).
 * The codec therefore stores that wall-clock value ({@code toLocalDate()}, {@code toLocalTime()} with
 * its millisecond, {@code toLocalDateTime()} with nanos) and decodes with {@code valueOf(...)}, so a
 * replica JVM whose default time zone differs from the primary's binds the same wall-clock value
 * the application bound, not the same instant. Consequences, all harmless for what a driver binds:
 * a {@code java.sql.Date}'s time of day is dropped (decoded at midnight), a {@code java.sql.Time}'s
 * date part becomes 1970-01-01, and a wall-clock time that falls into a DST gap or overlap of the
 * decoding JVM's zone gets that zone's {@code valueOf} resolution. A plain {@code java.util.Date}
 * is an instant and is stored as one. {@code ZonedDateTime} keeps its zone id and its offset
 * (decoded with {@link ZonedDateTime#ofLocal} using the stored offset as preferred offset, so the
 * later of two DST-overlap instants survives).
 *
 * <h2>Strings</h2>
 * Strings are stored as strict UTF-8 (supplementary characters included). A string containing an
 * unpaired surrogate cannot be represented in UTF-8 and is refused at encode time rather than being
 * replicated altered.
 *
 * <p>The class is stateless and thread-safe.
 */
public final class LogEntryCodec {

    /** The format version this build writes; also the only one it reads. */
    public static final int FORMAT_VERSION = 1;

    private static final int KIND_DML = 0;
    private static final int KIND_DDL = 1;

    private static final int TYPE_FLAG = 0x80;

    private static final int T_NULL = 0;
    private static final int T_FALSE = 1;
    private static final int T_TRUE = 2;
    private static final int T_BYTE = 3;
    private static final int T_SHORT = 4;
    private static final int T_INT = 5;
    private static final int T_LONG = 6;
    private static final int T_FLOAT = 7;
    private static final int T_DOUBLE = 8;
    private static final int T_BIG_DECIMAL = 9;
    private static final int T_BIG_INTEGER = 10;
    private static final int T_STRING = 11;
    private static final int T_CHAR = 12;
    private static final int T_BYTES = 13;
    private static final int T_SQL_DATE = 14;
    private static final int T_SQL_TIME = 15;
    private static final int T_SQL_TIMESTAMP = 16;
    private static final int T_UTIL_DATE = 17;
    private static final int T_LOCAL_DATE = 18;
    private static final int T_LOCAL_TIME = 19;
    private static final int T_LOCAL_DATE_TIME = 20;
    private static final int T_OFFSET_DATE_TIME = 21;
    private static final int T_OFFSET_TIME = 22;
    private static final int T_ZONED_DATE_TIME = 23;
    private static final int T_INSTANT = 24;
    private static final int T_DURATION = 25;
    private static final int T_UUID = 26;
    private static final int MAX_TAG = T_UUID;

    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    private static final String SUPPORTED = "null, Boolean, Byte, Short, Integer, Long, Float, Double, "
            + "BigDecimal, BigInteger, String, Character, byte[], java.sql.Date, java.sql.Time, "
            + "java.sql.Timestamp, java.util.Date, LocalDate, LocalTime, LocalDateTime, OffsetDateTime, "
            + "OffsetTime, ZonedDateTime, Instant, Duration, UUID";

    private LogEntryCodec() {
    }

    // ------------------------------------------------------------------------------------------
    // encode

    /**
     * Encodes the statements of one transaction into a log payload.
     *
     * @throws IllegalArgumentException if a parameter has a type that cannot be replicated
     *                                  ({@code "cannot replicate a parameter of type X ..."}) or is a
     *                                  string with an unpaired surrogate
     * @throws NullPointerException     if the list or one of its elements is null
     */
    public static byte[] encode(List<LoggedStatement> statements) {
        Objects.requireNonNull(statements, "statements");
        Writer w = new Writer(64 + 64 * statements.size());
        w.u8(FORMAT_VERSION);
        w.uvarint(statements.size());
        int n = 0;
        for (LoggedStatement st : statements) {
            n++;
            Objects.requireNonNull(st, "statement " + n);
            w.u8(st.kind() == LoggedStatement.Kind.DDL ? KIND_DDL : KIND_DML);
            w.str(st.sql(), "the SQL of statement ", n, -1);
            int count = st.paramCount();
            w.uvarint(count);
            for (int i = 0; i < count; i++) {
                writeParam(w, st.param(i), st.sqlType(i), n, i + 1);
            }
        }
        return w.toByteArray();
    }

    private static void writeParam(Writer w, Object v, int sqlType, int stmt, int index) {
        int tag = tagOf(v, stmt, index);
        if (sqlType == LoggedStatement.NO_TYPE) {
            w.u8(tag);
        } else {
            w.u8(tag | TYPE_FLAG);
            w.svarint(sqlType);
        }
        switch (tag) {
            case T_NULL, T_FALSE, T_TRUE -> { }
            case T_BYTE -> w.u8((Byte) v);
            case T_SHORT -> w.svarint((Short) v);
            case T_INT -> w.svarint((Integer) v);
            case T_LONG -> w.svarint((Long) v);
            case T_FLOAT -> w.fixed(Float.floatToRawIntBits((Float) v), 4);
            case T_DOUBLE -> w.fixed(Double.doubleToRawLongBits((Double) v), 8);
            case T_BIG_DECIMAL -> {
                BigDecimal d = (BigDecimal) v;
                w.svarint(d.scale());
                w.bytes(d.unscaledValue().toByteArray());
            }
            case T_BIG_INTEGER -> w.bytes(((BigInteger) v).toByteArray());
            case T_STRING -> w.str((String) v, "parameter ", index, stmt);
            case T_CHAR -> w.uvarint((Character) v);
            case T_BYTES -> w.bytes((byte[]) v);
            case T_SQL_DATE -> w.svarint(((java.sql.Date) v).toLocalDate().toEpochDay());
            case T_SQL_TIME -> {
                java.sql.Time t = (java.sql.Time) v;
                long millis = Math.floorMod(t.getTime(), 1000L);
                w.uvarint(t.toLocalTime().withNano(0).toNanoOfDay() + millis * 1_000_000L);
            }
            case T_SQL_TIMESTAMP -> writeLocalDateTime(w, ((Timestamp) v).toLocalDateTime());
            case T_UTIL_DATE -> w.svarint(((java.util.Date) v).getTime());
            case T_LOCAL_DATE -> w.svarint(((LocalDate) v).toEpochDay());
            case T_LOCAL_TIME -> w.uvarint(((LocalTime) v).toNanoOfDay());
            case T_LOCAL_DATE_TIME -> writeLocalDateTime(w, (LocalDateTime) v);
            case T_OFFSET_DATE_TIME -> {
                OffsetDateTime o = (OffsetDateTime) v;
                writeLocalDateTime(w, o.toLocalDateTime());
                w.svarint(o.getOffset().getTotalSeconds());
            }
            case T_OFFSET_TIME -> {
                OffsetTime o = (OffsetTime) v;
                w.uvarint(o.toLocalTime().toNanoOfDay());
                w.svarint(o.getOffset().getTotalSeconds());
            }
            case T_ZONED_DATE_TIME -> {
                ZonedDateTime z = (ZonedDateTime) v;
                writeLocalDateTime(w, z.toLocalDateTime());
                w.svarint(z.getOffset().getTotalSeconds());
                w.str(z.getZone().getId(), "a zone id", -1, -1);
            }
            case T_INSTANT -> {
                Instant in = (Instant) v;
                w.svarint(in.getEpochSecond());
                w.uvarint(in.getNano());
            }
            case T_DURATION -> {
                Duration d = (Duration) v;
                w.svarint(d.getSeconds());
                w.uvarint(d.getNano());
            }
            case T_UUID -> {
                UUID u = (UUID) v;
                w.fixed(u.getMostSignificantBits(), 8);
                w.fixed(u.getLeastSignificantBits(), 8);
            }
            default -> throw new IllegalStateException("tag " + tag);
        }
    }

    private static void writeLocalDateTime(Writer w, LocalDateTime ldt) {
        w.svarint(ldt.toLocalDate().toEpochDay());
        w.uvarint(ldt.toLocalTime().toNanoOfDay());
    }

    /** Exact classes only: a subclass would not come back as the same type. */
    private static int tagOf(Object v, int stmt, int index) {
        if (v == null) {
            return T_NULL;
        }
        Class<?> c = v.getClass();
        if (c == String.class) return T_STRING;
        if (c == Integer.class) return T_INT;
        if (c == Long.class) return T_LONG;
        if (c == Boolean.class) return (Boolean) v ? T_TRUE : T_FALSE;
        if (c == BigDecimal.class) return T_BIG_DECIMAL;
        if (c == Timestamp.class) return T_SQL_TIMESTAMP;
        if (c == LocalDateTime.class) return T_LOCAL_DATE_TIME;
        if (c == LocalDate.class) return T_LOCAL_DATE;
        if (c == byte[].class) return T_BYTES;
        if (c == Double.class) return T_DOUBLE;
        if (c == Short.class) return T_SHORT;
        if (c == Byte.class) return T_BYTE;
        if (c == Float.class) return T_FLOAT;
        if (c == BigInteger.class) return T_BIG_INTEGER;
        if (c == Character.class) return T_CHAR;
        if (c == java.sql.Date.class) return T_SQL_DATE;
        if (c == java.sql.Time.class) return T_SQL_TIME;
        if (c == java.util.Date.class) return T_UTIL_DATE;
        if (c == LocalTime.class) return T_LOCAL_TIME;
        if (c == OffsetDateTime.class) return T_OFFSET_DATE_TIME;
        if (c == OffsetTime.class) return T_OFFSET_TIME;
        if (c == ZonedDateTime.class) return T_ZONED_DATE_TIME;
        if (c == Instant.class) return T_INSTANT;
        if (c == Duration.class) return T_DURATION;
        if (c == UUID.class) return T_UUID;
        throw new IllegalArgumentException("cannot replicate a parameter of type " + c.getName()
                + " (parameter " + index + " of statement " + stmt + "): the replication log stores only "
                + SUPPORTED + "; bind the value as one of these types");
    }

    // ------------------------------------------------------------------------------------------
    // decode

    /**
     * Decodes a log payload written by {@link #encode}.
     *
     * @return the statements, in order (a new, modifiable list)
     * @throws IllegalArgumentException if the payload has an unsupported format version or is
     *                                  truncated or corrupt; no partial result is ever returned
     */
    public static List<LoggedStatement> decode(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (payload.length == 0) {
            throw new IllegalArgumentException("corrupt replication log payload: it is empty (no format version byte)");
        }
        int version = payload[0] & 0xFF;
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported replication log payload format version " + version
                    + ": this build reads only version " + FORMAT_VERSION
                    + " (was the entry written by a newer Shardline, or is it corrupt?)");
        }
        Reader r = new Reader(payload, 1);
        try {
            // every statement needs at least 3 bytes (kind, sql length, param count)
            int count = r.count(3, "statement count");
            List<LoggedStatement> out = new ArrayList<>(count);
            for (int s = 1; s <= count; s++) {
                out.add(readStatement(r, s));
            }
            if (r.pos != payload.length) {
                throw r.corrupt((payload.length - r.pos) + " trailing byte(s) after the last statement");
            }
            return out;
        } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("corrupt replication log payload: invalid value near byte "
                    + r.pos + ": " + e.getMessage(), e);
        }
    }

    private static LoggedStatement readStatement(Reader r, int s) {
        int kindByte = r.u8("statement kind");
        LoggedStatement.Kind kind = switch (kindByte) {
            case KIND_DML -> LoggedStatement.Kind.DML;
            case KIND_DDL -> LoggedStatement.Kind.DDL;
            default -> throw r.corrupt("unknown statement kind " + kindByte + " for statement " + s);
        };
        String sql = r.str("SQL of statement " + s);
        int n = r.count(1, "parameter count of statement " + s);
        Object[] params = new Object[n];
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            int tagByte = r.u8("parameter tag");
            int tag = tagByte & ~TYPE_FLAG;
            if (tag > MAX_TAG) {
                throw r.corrupt("unknown value tag " + tag + " for parameter " + (i + 1) + " of statement " + s);
            }
            types[i] = (tagByte & TYPE_FLAG) != 0 ? r.svarint32("SQL type") : LoggedStatement.NO_TYPE;
            params[i] = readValue(r, tag);
        }
        return new LoggedStatement(kind, sql, params, types);
    }

    private static Object readValue(Reader r, int tag) {
        return switch (tag) {
            case T_NULL -> null;
            case T_FALSE -> Boolean.FALSE;
            case T_TRUE -> Boolean.TRUE;
            case T_BYTE -> (byte) r.u8("Byte");
            case T_SHORT -> {
                int v = r.svarint32("Short");
                if (v != (short) v) {
                    throw r.corrupt("Short value out of range: " + v);
                }
                yield (short) v;
            }
            case T_INT -> r.svarint32("Integer");
            case T_LONG -> r.svarint("Long");
            case T_FLOAT -> Float.intBitsToFloat((int) r.fixed(4, "Float"));
            case T_DOUBLE -> Double.longBitsToDouble(r.fixed(8, "Double"));
            case T_BIG_DECIMAL -> {
                int scale = r.svarint32("BigDecimal scale");
                yield new BigDecimal(new BigInteger(r.bytes("BigDecimal unscaled value")), scale);
            }
            case T_BIG_INTEGER -> new BigInteger(r.bytes("BigInteger"));
            case T_STRING -> r.str("String");
            case T_CHAR -> {
                long c = r.uvarint("Character");
                if (c > Character.MAX_VALUE) {
                    throw r.corrupt("Character value out of range: " + c);
                }
                yield (char) c;
            }
            case T_BYTES -> r.bytes("byte[]");
            case T_SQL_DATE -> java.sql.Date.valueOf(LocalDate.ofEpochDay(r.svarint("java.sql.Date")));
            case T_SQL_TIME -> {
                LocalTime lt = r.nanoOfDay("java.sql.Time");
                if (lt.getNano() % 1_000_000 != 0) {
                    throw r.corrupt("java.sql.Time with a sub-millisecond part");
                }
                java.sql.Time t = java.sql.Time.valueOf(lt.withNano(0));
                t.setTime(t.getTime() + lt.getNano() / 1_000_000);
                yield t;
            }
            case T_SQL_TIMESTAMP -> Timestamp.valueOf(readLocalDateTime(r));
            case T_UTIL_DATE -> new java.util.Date(r.svarint("java.util.Date"));
            case T_LOCAL_DATE -> LocalDate.ofEpochDay(r.svarint("LocalDate"));
            case T_LOCAL_TIME -> r.nanoOfDay("LocalTime");
            case T_LOCAL_DATE_TIME -> readLocalDateTime(r);
            case T_OFFSET_DATE_TIME -> OffsetDateTime.of(readLocalDateTime(r), readOffset(r));
            case T_OFFSET_TIME -> OffsetTime.of(r.nanoOfDay("OffsetTime"), readOffset(r));
            case T_ZONED_DATE_TIME -> {
                LocalDateTime ldt = readLocalDateTime(r);
                ZoneOffset offset = readOffset(r);
                String zoneId = r.str("zone id");
                ZoneId zone;
                try {
                    zone = ZoneId.of(zoneId);
                } catch (DateTimeException e) {
                    throw r.corrupt("unknown zone id '" + zoneId + "' (" + e.getMessage() + ")");
                }
                yield ZonedDateTime.ofLocal(ldt, zone, offset);
            }
            case T_INSTANT -> {
                long sec = r.svarint("Instant");
                yield Instant.ofEpochSecond(sec, r.nano("Instant"));
            }
            case T_DURATION -> {
                long sec = r.svarint("Duration");
                yield Duration.ofSeconds(sec, r.nano("Duration"));
            }
            case T_UUID -> {
                long msb = r.fixed(8, "UUID");
                yield new UUID(msb, r.fixed(8, "UUID"));
            }
            default -> throw r.corrupt("unknown value tag " + tag);
        };
    }

    private static LocalDateTime readLocalDateTime(Reader r) {
        LocalDate d = LocalDate.ofEpochDay(r.svarint("date"));
        return LocalDateTime.of(d, r.nanoOfDay("time"));
    }

    private static ZoneOffset readOffset(Reader r) {
        return ZoneOffset.ofTotalSeconds(r.svarint32("zone offset"));
    }

    // ------------------------------------------------------------------------------------------
    // row changes

    /**
     * The first byte of a row change captured as Java objects (H2's capture trigger). Statement
     * payloads start with {@value #FORMAT_VERSION}, text images with {@code 'T'}.
     * <pre>
     * change := 2:u8  op:u8 ('I' | 'U' | 'D')  header  oldKey:param{nkey} (U, D)  newRow:param{ncols} (I, U)
     * header := schema:str  table:str  ncols:uvarint  name:str{ncols}  nkey:uvarint  keyIndex:uvarint{nkey}
     * param  := tag:u8 value            (the value encoding above, never with an SQL type)
     * </pre>
     */
    public static final int CHANGE_VERSION = 2;

    /**
     * The first byte of a row change built by a MySQL/MariaDB capture trigger
     * ({@link #mysqlChangeImage}): SQL has no binary encoder, so the image is text.
     * <pre>
     * image  := 'T'  op:char  field(schema) field(table) field(ncols) (field(name) field(form)){ncols}
     *           field(nkey) field(keyIndex){nkey}  field(old key value){nkey} (U, D)  field(value){ncols} (I, U)
     * field  := decimal byte length ':' bytes  |  '-' (SQL NULL)
     * </pre>
     * Each value is the text MySQL gives for the column, in a form named per column: {@code i}
     * integer, {@code n} decimal, {@code d} double, {@code f} float (MySQL prints the shortest text
     * that reads back as the same binary value), {@code s} text (converted to UTF-8), {@code b}
     * bytes (raw), {@code D}/{@code T}/{@code t} date, datetime, time (MySQL's own text, read back
     * by MySQL), {@code Z} TIMESTAMP as epoch seconds with fraction ({@code UNIX_TIMESTAMP}: exact
     * whatever the session time zone).
     */
    public static final int TEXT_IMAGE = 'T';

    /** The header of a binary row change for one table shape (written once per capture trigger). */
    public static byte[] changeHeader(String schema, String table, String[] columns, int[] key) {
        Writer w = new Writer(32 + 16 * columns.length);
        w.str(schema, "a schema name", -1, -1);
        w.str(table, "a table name", -1, -1);
        w.uvarint(columns.length);
        for (String c : columns) w.str(c, "a column name", -1, -1);
        w.uvarint(key.length);
        for (int k : key) w.uvarint(k);
        return w.toByteArray();
    }

    /**
     * Encodes one captured row change: {@code header} from {@link #changeHeader}, {@code oldKey}
     * for updates and deletes, {@code newRow} for inserts and updates.
     *
     * @throws IllegalArgumentException if a value has a type the log cannot store
     */
    public static byte[] encodeChange(byte[] header, RowChange.Op op, Object[] oldKey, Object[] newRow) {
        Writer w = new Writer(header.length + 8 + 12 * (newRow == null ? 1 : newRow.length));
        w.u8(CHANGE_VERSION);
        w.u8(op.code);
        w.ensure(header.length);
        System.arraycopy(header, 0, w.buf, w.len, header.length);
        w.len += header.length;
        if (op != RowChange.Op.INSERT) for (int i = 0; i < oldKey.length; i++) writeParam(w, oldKey[i], LoggedStatement.NO_TYPE, 0, i + 1);
        if (op != RowChange.Op.DELETE) for (int i = 0; i < newRow.length; i++) writeParam(w, newRow[i], LoggedStatement.NO_TYPE, 0, i + 1);
        return w.toByteArray();
    }

    /**
     * Decodes a row change written by {@link #encodeChange} or built by a trigger from
     * {@link #mysqlChangeImage}.
     *
     * @throws IllegalArgumentException if the bytes are neither, or truncated or corrupt
     */
    public static RowChange decodeChange(byte[] payload) {
        Objects.requireNonNull(payload, "payload");
        if (payload.length < 2) throw new IllegalArgumentException("corrupt row change: " + payload.length + " byte(s)");
        int version = payload[0] & 0xFF;
        try {
            if (version == CHANGE_VERSION) return decodeBinaryChange(payload);
            if (version == TEXT_IMAGE) return new TextImage(payload).decode();
        } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("corrupt row change: " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("unsupported row change format " + version
                + " (written by a newer Shardline, or corrupt)");
    }

    private static RowChange decodeBinaryChange(byte[] payload) {
        Reader r = new Reader(payload, 1);
        RowChange.Op op = RowChange.Op.of(r.u8("operation"));
        String schema = r.str("schema");
        String table = r.str("table");
        int n = r.count(1, "column count");
        String[] columns = new String[n];
        for (int i = 0; i < n; i++) columns[i] = r.str("column name");
        int[] key = keyIndexes(r.count(1, "key column count"), n, () -> r.uvarint("key index"), r::corrupt);
        Object[] oldKey = op == RowChange.Op.INSERT ? null : readChangeValues(r, key.length);
        Object[] newRow = op == RowChange.Op.DELETE ? null : readChangeValues(r, n);
        if (r.pos != payload.length) throw r.corrupt((payload.length - r.pos) + " trailing byte(s) after a row change");
        return new RowChange(op, schema, table, columns, null, key, oldKey, newRow);
    }

    private static int[] keyIndexes(int nkey, int ncols, java.util.function.LongSupplier next,
                                    java.util.function.Function<String, IllegalArgumentException> corrupt) {
        if (nkey == 0) throw corrupt.apply("a row change without key columns");
        int[] key = new int[nkey];
        for (int i = 0; i < nkey; i++) {
            long k = next.getAsLong();
            if (k < 0 || k >= ncols) throw corrupt.apply("key column index " + k + " of " + ncols + " columns");
            key[i] = (int) k;
        }
        return key;
    }

    private static Object[] readChangeValues(Reader r, int n) {
        Object[] out = new Object[n];
        for (int i = 0; i < n; i++) {
            int tag = r.u8("value tag");
            if (tag > MAX_TAG) throw r.corrupt("unknown value tag " + tag + " in a row change");
            out[i] = readValue(r, tag);
        }
        return out;
    }

    /** A text image as a MySQL trigger builds it (see {@link #TEXT_IMAGE}). */
    private static final class TextImage {
        private final byte[] buf;
        private int pos = 2;

        TextImage(byte[] buf) {
            this.buf = buf;
        }

        IllegalArgumentException corrupt(String msg) {
            return new IllegalArgumentException("corrupt row change text image (" + buf.length + " bytes, at byte "
                    + pos + "): " + msg);
        }

        /** The next field's bytes, or null for SQL NULL. */
        byte[] field() {
            if (pos >= buf.length) throw corrupt("truncated");
            if (buf[pos] == '-') {
                pos++;
                return null;
            }
            int n = 0;
            int digits = 0;
            while (pos < buf.length && buf[pos] != ':') {
                int d = buf[pos++] - '0';
                if (d < 0 || d > 9 || ++digits > 10) throw corrupt("bad field length");
                n = n * 10 + d;
            }
            pos++;
            if (pos > buf.length || n > buf.length - pos) throw corrupt("truncated field of " + n + " bytes");
            byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return out;
        }

        String text() {
            byte[] b = field();
            if (b == null) throw corrupt("NULL where a name or count belongs");
            return new String(b, StandardCharsets.UTF_8);
        }

        int number() {
            return Integer.parseInt(text());
        }

        RowChange decode() {
            RowChange.Op op = RowChange.Op.of(buf[1]);
            String schema = text();
            String table = text();
            int n = number();
            if (n <= 0 || n > 4096) throw corrupt("column count " + n);
            String[] columns = new String[n];
            String[] types = new String[n];
            for (int i = 0; i < n; i++) {
                columns[i] = text();
                types[i] = text();
            }
            int nkey = number();
            if (nkey < 0 || nkey > n) throw corrupt("key column count " + nkey);
            int[] key = keyIndexes(nkey, n, this::number, this::corrupt);
            Object[] oldKey = null;
            if (op != RowChange.Op.INSERT) {
                oldKey = new Object[nkey];
                for (int i = 0; i < nkey; i++) oldKey[i] = value(types[key[i]]);
            }
            Object[] newRow = null;
            if (op != RowChange.Op.DELETE) {
                newRow = new Object[n];
                for (int i = 0; i < n; i++) newRow[i] = value(types[i]);
            }
            if (pos != buf.length) throw corrupt((buf.length - pos) + " trailing byte(s)");
            return new RowChange(op, schema, table, columns, types, key, oldKey, newRow);
        }

        /**
         * A decimal; PostgreSQL's {@code numeric} also holds NaN and ±Infinity, which no
         * BigDecimal holds: they stay PostgreSQL's text (a PostgreSQL replica reads it back as the
         * same value; another engine has no equivalent and halts on it).
         */
        private static Object decimal(String s) {
            return switch (s) {
                case "NaN", "Infinity", "-Infinity" -> s;
                default -> new BigDecimal(s);
            };
        }

        private Object value(String form) {
            byte[] b = field();
            if (b == null) return null;
            if (form.equals("b")) return b;
            String s = new String(b, StandardCharsets.UTF_8);
            return switch (form) {
                case "x" -> Long.parseLong(s);
                case "i" -> {
                    try {
                        yield Long.parseLong(s);
                    } catch (NumberFormatException e) {
                        yield new BigDecimal(s); // BIGINT UNSIGNED beyond Long
                    }
                }
                case "n" -> decimal(s);
                case "Z" -> new BigDecimal(s);
                case "d" -> Double.parseDouble(s);
                case "f" -> Float.parseFloat(s);
                case "s", "D", "T", "t" -> s;
                default -> throw corrupt("unknown value form '" + form + "'");
            };
        }
    }

    /**
     * The SQL expression a MySQL/MariaDB capture trigger evaluates to build the text image of one
     * row change (format {@link #TEXT_IMAGE}).
     *
     * @param dataTypes each column's {@code INFORMATION_SCHEMA.COLUMNS.DATA_TYPE}
     */
    public static String mysqlChangeImage(RowChange.Op op, String schema, String table, String[] columns,
                                          String[] dataTypes, int[] key) {
        String[] forms = new String[columns.length];
        for (int i = 0; i < columns.length; i++) forms[i] = mysqlForm(dataTypes[i]);
        byte[] head = header(op, schema, table, columns, forms, key);
        StringBuilder sb = new StringBuilder("CONCAT(X'");
        for (byte b : head) sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        sb.append('\'');
        if (op != RowChange.Op.INSERT) for (int k : key) sb.append(", ").append(mysqlField("OLD", columns[k], forms[k]));
        if (op != RowChange.Op.DELETE) for (int i = 0; i < columns.length; i++) sb.append(", ").append(mysqlField("NEW", columns[i], forms[i]));
        return sb.append(')').toString();
    }

    /**
     * The SQL expression a PostgreSQL capture trigger function evaluates to build the text image
     * of one row change (format {@link #TEXT_IMAGE}, a {@code bytea}): the same image as MySQL's,
     * built with PostgreSQL's operators. The function that evaluates it pins the settings that
     * shape value text ({@code DateStyle}, {@code IntervalStyle}, {@code extra_float_digits}), so a
     * session's own settings never change what is captured.
     *
     * @param typeNames each column's {@code pg_type.typname}
     */
    public static String postgresChangeImage(RowChange.Op op, String schema, String table, String[] columns,
                                             String[] typeNames, int[] key) {
        String[] forms = new String[columns.length];
        for (int i = 0; i < columns.length; i++) forms[i] = postgresForm(typeNames[i]);
        byte[] head = header(op, schema, table, columns, forms, key);
        StringBuilder sb = new StringBuilder("decode('").append(HexFormat.of().formatHex(head)).append("', 'hex')");
        if (op != RowChange.Op.INSERT) for (int k : key) sb.append(" || ").append(postgresField("OLD", columns[k], forms[k]));
        if (op != RowChange.Op.DELETE) for (int i = 0; i < columns.length; i++) sb.append(" || ").append(postgresField("NEW", columns[i], forms[i]));
        return sb.toString();
    }

    private static String postgresField(String row, String column, String form) {
        String ref = row + ".\"" + column.replace("\"", "\"\"") + "\"";
        String bytes = switch (form) {
            case "b" -> ref;
            case "Z" -> "convert_to(extract(epoch FROM " + ref + ")::text, 'UTF8')";
            default -> "convert_to(" + ref + "::text, 'UTF8')";
        };
        return "(CASE WHEN " + ref + " IS NULL THEN decode('2d', 'hex') ELSE convert_to(octet_length(" + bytes
                + ")::text || ':', 'UTF8') || " + bytes + " END)";
    }

    /** The value form of a PostgreSQL column type ({@code pg_type.typname}) in a text image. */
    static String postgresForm(String typeName) {
        return switch (typeName) {
            case "int2", "int4", "int8" -> "i";
            case "numeric" -> "n";
            case "float8" -> "d";
            case "float4" -> "f";
            case "bytea" -> "b";
            case "date" -> "D";
            case "timestamp" -> "T";
            case "time" -> "t";
            case "timestamptz" -> "Z";
            default -> "s"; // text types, bool, uuid, json(b), inet, interval, arrays, enums: PostgreSQL's own text
        };
    }

    /** The static start of a text image: format, operation, table, columns with their forms, key. */
    private static byte[] header(RowChange.Op op, String schema, String table, String[] columns, String[] forms, int[] key) {
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        head.write(TEXT_IMAGE);
        head.write(op.code);
        textField(head, schema);
        textField(head, table);
        textField(head, Integer.toString(columns.length));
        for (int i = 0; i < columns.length; i++) {
            textField(head, columns[i]);
            textField(head, forms[i]);
        }
        textField(head, Integer.toString(key.length));
        for (int k : key) textField(head, Integer.toString(k));
        return head.toByteArray();
    }

    private static void textField(java.io.ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
        out.write(':');
        out.writeBytes(b);
    }

    private static String mysqlField(String row, String column, String form) {
        String ref = row + ".`" + column.replace("`", "``") + "`";
        String e = switch (form) {
            case "s" -> "CONVERT(" + ref + " USING utf8mb4)";
            case "b" -> ref;
            case "Z" -> "CAST(UNIX_TIMESTAMP(" + ref + ") AS CHAR)";
            case "x" -> "CAST(" + ref + " + 0 AS CHAR)";
            default -> "CAST(" + ref + " AS CHAR)";
        };
        return "IFNULL(CONCAT(LENGTH(" + e + "), ':', " + e + "), '-')";
    }

    /** The value form of a MySQL column type in a text image. */
    static String mysqlForm(String dataType) {
        return switch (dataType.toLowerCase(java.util.Locale.ROOT)) {
            case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "year" -> "i";
            case "bit" -> "x";
            case "decimal", "numeric" -> "n";
            case "double", "real", "double precision" -> "d";
            case "float" -> "f";
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob", "geometry", "point",
                 "linestring", "polygon", "multipoint", "multilinestring", "multipolygon", "geometrycollection" -> "b";
            case "date" -> "D";
            case "datetime" -> "T";
            case "time" -> "t";
            case "timestamp" -> "Z";
            default -> "s"; // char, varchar, text types, enum, set, json, uuid, inet6
        };
    }

    // ------------------------------------------------------------------------------------------
    // bind

    /**
     * Binds every parameter of {@code st} to {@code ps} (parameter {@code i + 1} from
     * {@code params[i]}) with the setter matching its type: {@code setNull(i, sqlType)} (or
     * {@link Types#NULL} when the statement has no type) for null; {@code setObject(i, v, sqlType)}
     * when the application gave an explicit type; otherwise {@code setString}, {@code setLong},
     * {@code setInt}, {@code setShort}, {@code setByte}, {@code setBoolean}, {@code setFloat},
     * {@code setDouble}, {@code setBigDecimal}, {@code setBytes}, {@code setDate}, {@code setTime},
     * {@code setTimestamp}; a {@code Character} is bound with {@code setString}; a plain
     * {@code java.util.Date} as a {@code Timestamp} of the same instant; java.time values, UUID,
     * BigInteger and Duration with {@code setObject(i, v)}.
     */
    public static void bind(PreparedStatement ps, LoggedStatement st) throws SQLException {
        int n = st.paramCount();
        for (int i = 0; i < n; i++) bindOne(ps, i + 1, st.param(i), st.sqlType(i));
    }

    /**
     * Binds the first {@code count} values of {@code params} exactly as {@link #bind(PreparedStatement,
     * LoggedStatement)} would, without building a {@link LoggedStatement}: the driver binds the
     * primary's statement with this, so that the primary and every replica receive the very same
     * setter calls.
     */
    public static void bind(PreparedStatement ps, Object[] params, int[] sqlTypes, int count) throws SQLException {
        for (int i = 0; i < count; i++) bindOne(ps, i + 1, params[i], sqlTypes[i]);
    }

    /**
     * Binds one value to parameter {@code index} (1-based) exactly as {@link #bind(PreparedStatement,
     * LoggedStatement)} binds each of its parameters.
     */
    public static void bind(PreparedStatement ps, int index, Object value, int sqlType) throws SQLException {
        bindOne(ps, index, value, sqlType);
    }

    private static void bindOne(PreparedStatement ps, int idx, Object v, int type) throws SQLException {
        {
            if (v == null) {
                ps.setNull(idx, type == LoggedStatement.NO_TYPE ? Types.NULL : type);
            } else if (type != LoggedStatement.NO_TYPE) {
                ps.setObject(idx, v, type);
            } else if (v instanceof String s) {
                ps.setString(idx, s);
            } else if (v instanceof Long l) {
                ps.setLong(idx, l);
            } else if (v instanceof Integer x) {
                ps.setInt(idx, x);
            } else if (v instanceof Short x) {
                ps.setShort(idx, x);
            } else if (v instanceof Byte x) {
                ps.setByte(idx, x);
            } else if (v instanceof Boolean x) {
                ps.setBoolean(idx, x);
            } else if (v instanceof Float x) {
                ps.setFloat(idx, x);
            } else if (v instanceof Double x) {
                ps.setDouble(idx, x);
            } else if (v instanceof BigDecimal x) {
                ps.setBigDecimal(idx, x);
            } else if (v instanceof byte[] x) {
                ps.setBytes(idx, x);
            } else if (v instanceof Character c) {
                ps.setString(idx, c.toString());
            } else if (v instanceof java.sql.Date x) {
                ps.setDate(idx, x);
            } else if (v instanceof java.sql.Time x) {
                ps.setTime(idx, x);
            } else if (v instanceof Timestamp x) {
                ps.setTimestamp(idx, x);
            } else if (v instanceof java.util.Date x) {
                ps.setTimestamp(idx, new Timestamp(x.getTime()));
            } else {
                ps.setObject(idx, v);
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // primitives

    private static final class Writer {
        private byte[] buf;
        private int len;

        Writer(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        private void ensure(int extra) {
            if (len + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
            }
        }

        void u8(int b) {
            ensure(1);
            buf[len++] = (byte) b;
        }

        void uvarint(long v) {
            ensure(10);
            while ((v & ~0x7FL) != 0) {
                buf[len++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[len++] = (byte) v;
        }

        void svarint(long v) {
            uvarint((v << 1) ^ (v >> 63));
        }

        void fixed(long v, int width) {
            ensure(width);
            for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) {
                buf[len++] = (byte) (v >>> shift);
            }
        }

        void bytes(byte[] b) {
            uvarint(b.length);
            ensure(b.length);
            System.arraycopy(b, 0, buf, len, b.length);
            len += b.length;
        }

        /** {@code what}, {@code a} and {@code b} name the string in an error (built only then; -1: absent). */
        void str(String s, String what, int a, int b) {
            if (!hasSurrogate(s)) {
                // well-formed UTF-16: String.getBytes is exact and much cheaper than an encoder
                byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                int n = bytes.length;
                uvarint(n);
                ensure(n);
                System.arraycopy(bytes, 0, buf, len, n);
                len += n;
                return;
            }
            str(s, what + (a < 0 ? "" : Integer.toString(a)) + (b < 0 ? "" : " of statement " + b));
        }

        private static boolean hasSurrogate(String s) {
            for (int i = 0, n = s.length(); i < n; i++) {
                if (Character.isSurrogate(s.charAt(i))) return true;
            }
            return false;
        }

        void str(String s, String what) {
            ByteBuffer bb;
            try {
                bb = StandardCharsets.UTF_8.newEncoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .encode(CharBuffer.wrap(s));
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("cannot replicate " + what
                        + ": the string contains an unpaired UTF-16 surrogate, which has no UTF-8 form", e);
            }
            int n = bb.remaining();
            uvarint(n);
            ensure(n);
            bb.get(buf, len, n);
            len += n;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, len);
        }
    }

    private static final class Reader {
        private final byte[] buf;
        private int pos;

        Reader(byte[] buf, int pos) {
            this.buf = buf;
            this.pos = pos;
        }

        IllegalArgumentException corrupt(String msg) {
            return new IllegalArgumentException("corrupt replication log payload (" + buf.length
                    + " bytes, at byte " + pos + "): " + msg);
        }

        private void need(int n, String what) {
            if (n < 0 || n > buf.length - pos) {
                throw corrupt("truncated: " + what + " needs " + n + " byte(s) but only "
                        + (buf.length - pos) + " remain");
            }
        }

        int u8(String what) {
            need(1, what);
            return buf[pos++] & 0xFF;
        }

        long fixed(int width, String what) {
            need(width, what);
            long v = 0;
            for (int i = 0; i < width; i++) {
                v = (v << 8) | (buf[pos++] & 0xFF);
            }
            return v;
        }

        long uvarint(String what) {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = u8(what);
                if (shift == 63 && (b & 0xFE) != 0) {
                    throw corrupt("varint overflow in " + what);
                }
                v |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return v;
                }
            }
            throw corrupt("varint too long in " + what);
        }

        long svarint(String what) {
            long u = uvarint(what);
            return (u >>> 1) ^ -(u & 1);
        }

        int svarint32(String what) {
            long v = svarint(what);
            if (v != (int) v) {
                throw corrupt(what + " out of int range: " + v);
            }
            return (int) v;
        }

        /** A length or count, checked against the bytes remaining (each item needs minBytes). */
        int count(int minBytesEach, String what) {
            long n = uvarint(what);
            if (n > (buf.length - pos) / minBytesEach) {
                throw corrupt("truncated: " + what + " is " + n + " but only " + (buf.length - pos)
                        + " byte(s) remain");
            }
            return (int) n;
        }

        byte[] bytes(String what) {
            int n = count(1, what + " length");
            byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
            pos += n;
            return out;
        }

        String str(String what) {
            int n = count(1, what + " length");
            try {
                String s = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(buf, pos, n))
                        .toString();
                pos += n;
                return s;
            } catch (CharacterCodingException e) {
                throw corrupt("invalid UTF-8 in " + what);
            }
        }

        LocalTime nanoOfDay(String what) {
            long n = uvarint(what);
            if (n >= NANOS_PER_DAY) {
                throw corrupt(what + ": nano of day out of range: " + n);
            }
            return LocalTime.ofNanoOfDay(n);
        }

        int nano(String what) {
            long n = uvarint(what);
            if (n > 999_999_999L) {
                throw corrupt(what + ": nano out of range: " + n);
            }
            return (int) n;
        }
    }
}
