package io.shardline.replication.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
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
import java.util.TimeZone;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LogEntryCodecTest {

    private static List<LoggedStatement> roundTrip(List<LoggedStatement> in) {
        return LogEntryCodec.decode(LogEntryCodec.encode(in));
    }

    private static Object roundTripValue(Object v) {
        LoggedStatement st = LoggedStatement.dml("INSERT INTO t VALUES (?)", v);
        List<LoggedStatement> out = roundTrip(List.of(st));
        assertThat(out).hasSize(1);
        assertThat(out.get(0)).isEqualTo(st);
        return out.get(0).param(0);
    }

    /** Every supported value with a few edge values, for round-trip and truncation tests. */
    private static Object[] sampleValues() {
        return new Object[] {
            null, Boolean.TRUE, Boolean.FALSE,
            (byte) 0, Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) -1,
            (short) 0, Short.MIN_VALUE, Short.MAX_VALUE,
            0, -1, 1, 63, 64, -64, -65, Integer.MIN_VALUE, Integer.MAX_VALUE,
            0L, Long.MIN_VALUE, Long.MAX_VALUE, -1L, 1234567890123L,
            0.0f, -0.0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE,
            Float.MAX_VALUE, 3.25f,
            0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE,
            Double.MAX_VALUE, Math.PI,
            new BigDecimal("1.50"), new BigDecimal("0"), new BigDecimal("0.000"), new BigDecimal("-7"),
            new BigDecimal("1E+10"), new BigDecimal("-123456789012345678901234567890.123456789012345678901234567890"),
            new BigDecimal(new BigInteger("9".repeat(400)), -12), new BigDecimal(BigInteger.ONE, Integer.MAX_VALUE),
            new BigDecimal(BigInteger.TEN, Integer.MIN_VALUE),
            BigInteger.ZERO, BigInteger.ONE.negate(), new BigInteger("1" + "0".repeat(100)),
            BigInteger.valueOf(Long.MIN_VALUE).subtract(BigInteger.ONE),
            "", "hello", "üñíçødé €", "non-BMP \uD83D\uDE00 \uD834\uDD1E", "a\u0000b", "x".repeat(100_000),
            'a', '\u0000', '\uFFFF', '\u00e9', '\uD83D',
            new byte[0], new byte[] {0, -1, 127, -128}, new byte[70_000],
            java.sql.Date.valueOf("2024-02-29"), java.sql.Date.valueOf("1900-01-01"), java.sql.Date.valueOf("9999-12-31"),
            java.sql.Time.valueOf("00:00:00"), java.sql.Time.valueOf("23:59:59"), timeWithMillis("12:34:56", 789),
            Timestamp.valueOf("2024-03-10 02:30:00.123456789"), Timestamp.valueOf("1969-12-31 23:59:59.999999999"),
            Timestamp.valueOf("1970-01-01 00:00:00"), Timestamp.valueOf("2038-01-19 03:14:08.000000001"),
            new java.util.Date(0), new java.util.Date(-1), new java.util.Date(1_700_000_000_123L),
            LocalDate.of(2024, 2, 29), LocalDate.MIN, LocalDate.MAX, LocalDate.EPOCH,
            LocalTime.MIDNIGHT, LocalTime.MAX, LocalTime.of(1, 2, 3, 4),
            LocalDateTime.of(2024, 11, 3, 1, 30), // DST-ambiguous in America/New_York
            LocalDateTime.of(2024, 3, 10, 2, 30), // in the DST gap of America/New_York
            LocalDateTime.MIN, LocalDateTime.MAX, LocalDateTime.of(2000, 1, 1, 0, 0, 0, 1),
            OffsetDateTime.of(2024, 5, 6, 7, 8, 9, 10, ZoneOffset.ofHoursMinutes(5, 30)),
            OffsetDateTime.MIN, OffsetDateTime.MAX,
            OffsetTime.of(23, 59, 59, 999_999_999, ZoneOffset.ofHours(-18)), OffsetTime.MIN, OffsetTime.MAX,
            ZonedDateTime.of(LocalDateTime.of(2024, 11, 3, 1, 30), ZoneId.of("America/New_York")),
            ZonedDateTime.of(LocalDateTime.of(2024, 11, 3, 1, 30), ZoneId.of("America/New_York"))
                    .withLaterOffsetAtOverlap(),
            ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC),
            ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneId.of("UTC")),
            ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneId.of("GMT+02:00")),
            ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(3)),
            Instant.EPOCH, Instant.MIN, Instant.MAX, Instant.ofEpochSecond(-1, 999_999_999),
            Duration.ZERO, Duration.ofSeconds(Long.MIN_VALUE), Duration.ofSeconds(Long.MAX_VALUE, 999_999_999),
            Duration.ofNanos(-1),
            UUID.randomUUID(), new UUID(0, 0), new UUID(-1, -1), new UUID(Long.MIN_VALUE, Long.MAX_VALUE),
        };
    }

    private static java.sql.Time timeWithMillis(String hms, int millis) {
        java.sql.Time t = java.sql.Time.valueOf(hms);
        t.setTime(t.getTime() + millis);
        return t;
    }

    @Test
    void everySupportedValueRoundTripsWithTheSameTypeAndValue() {
        for (Object v : sampleValues()) {
            Object out = roundTripValue(v);
            if (v == null) {
                assertThat(out).isNull();
                continue;
            }
            assertThat(out).as("type of %s", v).isExactlyInstanceOf(v.getClass());
            if (v instanceof byte[] b) {
                assertThat((byte[]) out).isEqualTo(b);
            } else {
                assertThat(out).as("value of %s %s", v.getClass().getSimpleName(), v).isEqualTo(v);
            }
        }
    }

    @Test
    void floatingPointBitsArePreserved() {
        assertThat(Double.doubleToRawLongBits((Double) roundTripValue(-0.0))).isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(Float.floatToRawIntBits((Float) roundTripValue(-0.0f))).isEqualTo(Float.floatToRawIntBits(-0.0f));
        double oddNaN = Double.longBitsToDouble(0x7ff0000000000123L);
        assertThat(Double.doubleToRawLongBits((Double) roundTripValue(oddNaN))).isEqualTo(0x7ff0000000000123L);
        assertThat((Double) roundTripValue(Double.NaN)).isNaN();
    }

    @Test
    void bigDecimalKeepsItsScaleAndPrecision() {
        BigDecimal out = (BigDecimal) roundTripValue(new BigDecimal("1.50"));
        assertThat(out.scale()).isEqualTo(2);
        assertThat(out.toPlainString()).isEqualTo("1.50");
        BigDecimal huge = new BigDecimal("-" + "12345678901234567890".repeat(50) + "." + "9".repeat(300));
        BigDecimal hugeOut = (BigDecimal) roundTripValue(huge);
        assertThat(hugeOut.precision()).isEqualTo(huge.precision());
        assertThat(hugeOut.toString()).isEqualTo(huge.toString());
    }

    @Test
    void timestampNanosAndTimeMillisArePreserved() {
        Timestamp ts = Timestamp.valueOf("2024-06-01 12:00:00.000000007");
        Timestamp out = (Timestamp) roundTripValue(ts);
        assertThat(out.getNanos()).isEqualTo(7);
        assertThat(out.toLocalDateTime()).isEqualTo(ts.toLocalDateTime());
        java.sql.Time t = timeWithMillis("08:09:10", 42);
        assertThat(((java.sql.Time) roundTripValue(t)).getTime()).isEqualTo(t.getTime());
    }

    @Test
    void dstAmbiguousValuesKeepTheirOffset() {
        ZonedDateTime later = ZonedDateTime.of(LocalDateTime.of(2024, 11, 3, 1, 30), ZoneId.of("America/New_York"))
                .withLaterOffsetAtOverlap();
        ZonedDateTime out = (ZonedDateTime) roundTripValue(later);
        assertThat(out.getOffset()).isEqualTo(ZoneOffset.ofHours(-5));
        assertThat(out.getZone()).isEqualTo(ZoneId.of("America/New_York"));
        assertThat(out.toInstant()).isEqualTo(later.toInstant());
        LocalDateTime ambiguous = LocalDateTime.of(2024, 10, 27, 2, 30); // Europe/Berlin overlap
        assertThat(roundTripValue(ambiguous)).isEqualTo(ambiguous);
    }

    @Test
    void timestampDecodedUnderAnotherDefaultTimeZoneKeepsTheWallClock() {
        TimeZone original = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
            Timestamp ts = Timestamp.valueOf("2024-07-04 09:15:30.123456789");
            java.sql.Date date = java.sql.Date.valueOf("2024-07-04");
            java.sql.Time time = java.sql.Time.valueOf("09:15:30");
            byte[] payload = LogEntryCodec.encode(List.of(LoggedStatement.dml("INSERT INTO t VALUES (?, ?, ?)", ts, date, time)));

            TimeZone.setDefault(TimeZone.getTimeZone("Asia/Tokyo"));
            LoggedStatement st = LogEntryCodec.decode(payload).get(0);
            Timestamp tsOut = (Timestamp) st.param(0);
            assertThat(tsOut.toLocalDateTime()).isEqualTo(LocalDateTime.of(2024, 7, 4, 9, 15, 30, 123_456_789));
            assertThat(tsOut.toString()).isEqualTo("2024-07-04 09:15:30.123456789");
            assertThat(tsOut.getTime()).isNotEqualTo(ts.getTime()); // same wall clock, different instant
            assertThat(((java.sql.Date) st.param(1)).toLocalDate()).isEqualTo(LocalDate.of(2024, 7, 4));
            assertThat(((java.sql.Time) st.param(2)).toLocalTime()).isEqualTo(LocalTime.of(9, 15, 30));
        } finally {
            TimeZone.setDefault(original);
        }
    }

    @Test
    void multiStatementEntriesWithDdlDmlAndExplicitTypes() {
        List<LoggedStatement> in = List.of(
                LoggedStatement.ddl("CREATE TABLE t (id BIGINT PRIMARY KEY, name VARCHAR(100))"),
                LoggedStatement.dml("INSERT INTO t (id, name) VALUES (?, ?)", 1L, "one"),
                new LoggedStatement(LoggedStatement.Kind.DML, "UPDATE t SET name = ? WHERE id = ?",
                        new Object[] {null, 1}, new int[] {Types.VARCHAR, Types.BIGINT}),
                new LoggedStatement(LoggedStatement.Kind.DML, "UPDATE t SET name = ? WHERE id = ?",
                        new Object[] {null, 2L}, new int[] {LoggedStatement.NO_TYPE, Types.BIT}),
                LoggedStatement.dml("DELETE FROM t"),
                LoggedStatement.ddl("ALTER TABLE t ADD COLUMN x INT"),
                LoggedStatement.dml(""));
        List<LoggedStatement> out = roundTrip(in);
        assertThat(out).isEqualTo(in);
        assertThat(out.get(0).kind()).isEqualTo(LoggedStatement.Kind.DDL);
        assertThat(out.get(2).sqlTypes()).containsExactly(Types.VARCHAR, Types.BIGINT);
        assertThat(out.get(3).sqlTypes()).containsExactly(LoggedStatement.NO_TYPE, Types.BIT);
        assertThat(out.get(4).paramCount()).isZero();
        assertThat(out.get(4).params()).isEmpty();
    }

    @Test
    void emptyEntryRoundTrips() {
        assertThat(roundTrip(List.of())).isEmpty();
        assertThat(LogEntryCodec.encode(List.of())).containsExactly(LogEntryCodec.FORMAT_VERSION, 0);
    }

    @Test
    void encodingIsCompact() {
        byte[] payload = LogEntryCodec.encode(List.of(LoggedStatement.dml("UPDATE t SET a=? WHERE id=?", 5, 7L)));
        // version, count, kind, sql length + 27 bytes, nparams, 2 x (tag + 1-byte varint)
        assertThat(payload).hasSize(1 + 1 + 1 + 1 + 27 + 1 + 2 + 2);
    }

    @Test
    void everyTruncationIsRejected() {
        List<LoggedStatement> in = new ArrayList<>();
        in.add(LoggedStatement.ddl("CREATE TABLE t (a INT)"));
        Object[] values = sampleValues();
        // keep the big values out so that truncating at every length stays fast
        Object[] small = Arrays.stream(values)
                .filter(v -> !(v instanceof byte[] b && b.length > 100) && !(v instanceof String s && s.length() > 100))
                .toArray();
        int[] types = new int[small.length];
        for (int i = 0; i < types.length; i++) {
            types[i] = i % 3 == 0 ? Types.OTHER - i : LoggedStatement.NO_TYPE;
        }
        in.add(new LoggedStatement(LoggedStatement.Kind.DML, "INSERT INTO t VALUES (...)", small, types));
        in.add(LoggedStatement.dml("DELETE FROM t"));
        byte[] payload = LogEntryCodec.encode(in);
        assertThat(LogEntryCodec.decode(payload)).isEqualTo(in);
        for (int len = 0; len < payload.length; len++) {
            byte[] truncated = Arrays.copyOf(payload, len);
            final int l = len;
            assertThatThrownBy(() -> LogEntryCodec.decode(truncated))
                    .as("truncated to %d of %d bytes", l, payload.length)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] payload = LogEntryCodec.encode(List.of(LoggedStatement.dml("SELECT ?", 1)));
        byte[] longer = Arrays.copyOf(payload, payload.length + 1);
        assertThatThrownBy(() -> LogEntryCodec.decode(longer))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
    }

    @Test
    void corruptPayloadsAreRejected() {
        // unknown statement kind
        assertThatThrownBy(() -> LogEntryCodec.decode(new byte[] {1, 1, 7, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kind");
        // unknown value tag
        assertThatThrownBy(() -> LogEntryCodec.decode(new byte[] {1, 1, 0, 0, 1, 99}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tag");
        // invalid UTF-8 in the SQL
        assertThatThrownBy(() -> LogEntryCodec.decode(new byte[] {1, 1, 0, 2, (byte) 0xC3, 0x28, 0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("UTF-8");
        // huge statement count
        assertThatThrownBy(() -> LogEntryCodec.decode(new byte[] {1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F}))
                .isInstanceOf(IllegalArgumentException.class);
        // over-long varint
        byte[] overlong = new byte[13];
        overlong[0] = 1;
        Arrays.fill(overlong, 1, 13, (byte) 0xFF);
        assertThatThrownBy(() -> LogEntryCodec.decode(overlong)).isInstanceOf(IllegalArgumentException.class);
        // LocalTime nano of day out of range: 86_400_000_000_000 as a varint
        byte[] badTime = LogEntryCodec.encode(List.of(LoggedStatement.dml("?", LocalTime.MAX)));
        badTime[badTime.length - 1]++; // last varint byte of MAX's nano of day: now past the end of the day
        assertThatThrownBy(() -> LogEntryCodec.decode(badTime)).isInstanceOf(IllegalArgumentException.class);
        // unknown zone id
        byte[] zoned = LogEntryCodec.encode(List.of(LoggedStatement.dml("?",
                ZonedDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneId.of("Europe/Paris")))));
        int at = indexOf(zoned, "Europe/Paris".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        zoned[at] = 'X';
        assertThatThrownBy(() -> LogEntryCodec.decode(zoned))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zone");
        // random garbage never yields anything but IllegalArgumentException
        java.util.Random rnd = new java.util.Random(42);
        Object[] small = Arrays.stream(sampleValues())
                .filter(v -> !(v instanceof byte[] b && b.length > 100) && !(v instanceof String s && s.length() > 100))
                .toArray();
        byte[] good = LogEntryCodec.encode(List.of(LoggedStatement.ddl("CREATE TABLE x (a INT)"),
                LoggedStatement.dml("INSERT ?", small)));
        for (int i = 0; i < 20_000; i++) {
            byte[] bad = good.clone();
            bad[1 + rnd.nextInt(bad.length - 1)] = (byte) rnd.nextInt();
            try {
                LogEntryCodec.decode(bad);
            } catch (IllegalArgumentException expected) {
                // fine
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void unknownVersionIsRejected() {
        byte[] payload = LogEntryCodec.encode(List.of(LoggedStatement.dml("SELECT 1")));
        payload[0] = 2;
        assertThatThrownBy(() -> LogEntryCodec.decode(payload))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 2");
        payload[0] = 0;
        assertThatThrownBy(() -> LogEntryCodec.decode(payload)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 0");
        assertThatThrownBy(() -> LogEntryCodec.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unsupportedTypesAreRejectedAtEncodeTime() {
        for (Object bad : new Object[] {new Object(), new StringBuilder("x"), java.time.Period.ofDays(1),
                new int[] {1}, List.of(1), new java.util.concurrent.atomic.AtomicInteger(1), java.time.Year.of(2024),
                new Timestamp(0) { }}) {
            assertThatThrownBy(() -> LogEntryCodec.encode(List.of(LoggedStatement.dml("INSERT ?", 1, bad))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot replicate a parameter of type " + bad.getClass().getName())
                    .hasMessageContaining("parameter 2 of statement 1");
        }
    }

    @Test
    void unpairedSurrogateStringIsRejectedAtEncodeTime() {
        assertThatThrownBy(() -> LogEntryCodec.encode(List.of(LoggedStatement.dml("INSERT ?", "a\uD800b"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
    }

    @Test
    void loggedStatementComparesArraysByContent() {
        LoggedStatement a = LoggedStatement.dml("X", new byte[] {1, 2}, "s", null);
        LoggedStatement b = LoggedStatement.dml("X", new byte[] {1, 2}, "s", null);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(LoggedStatement.dml("X", new byte[] {1, 3}, "s", null));
        assertThat(a).isNotEqualTo(new LoggedStatement(LoggedStatement.Kind.DML, "X",
                new Object[] {new byte[] {1, 2}, "s", null}, new int[] {LoggedStatement.NO_TYPE, Types.VARCHAR, Types.NULL}));
        assertThat(a.toString()).contains("[1, 2]", "s", "null");
        Object[] params = {1};
        LoggedStatement c = LoggedStatement.dml("X", params);
        params[0] = 2;
        assertThat(c.param(0)).isEqualTo(1);
        assertThatThrownBy(() -> new LoggedStatement(LoggedStatement.Kind.DML, "X", new Object[] {1}, new int[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bindInsertsDecodedValuesIntoH2() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:codec;DB_CLOSE_DELAY=-1")) {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS codec_t");
            }
            UUID uuid = UUID.randomUUID();
            Object[] values = {
                1L, true, (byte) -5, (short) 1234, 42, Long.MIN_VALUE, 1.5f, -0.25, new BigDecimal("12345.6700"),
                new BigInteger("123456789012345678901234567890"), "héllo \uD83D\uDE00", 'Z', new byte[] {1, 2, 3}, new byte[0],
                java.sql.Date.valueOf("2024-02-29"), java.sql.Time.valueOf("13:14:15"),
                Timestamp.valueOf("2024-03-10 02:30:00.123456789"), LocalDate.of(1999, 12, 31), LocalTime.of(23, 59, 58),
                LocalDateTime.of(2024, 11, 3, 1, 30, 0, 5), OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 6, ZoneOffset.ofHours(2)),
                OffsetTime.of(10, 11, 12, 0, ZoneOffset.ofHours(-3)), Instant.parse("2024-05-06T07:08:09.123456789Z"),
                uuid, null, null, 77,
                ZonedDateTime.of(2024, 11, 3, 1, 30, 0, 0, ZoneId.of("America/New_York")).withLaterOffsetAtOverlap(),
                Duration.ofSeconds(90_061, 5),
            };
            int[] types = new int[values.length];
            Arrays.fill(types, LoggedStatement.NO_TYPE);
            types[values.length - 4] = Types.INTEGER; // typed null
            types[values.length - 3] = Types.BIGINT;  // setObject(i, 77, BIGINT)
            List<LoggedStatement> entry = List.of(
                    LoggedStatement.ddl("CREATE TABLE codec_t (id BIGINT PRIMARY KEY, b BOOLEAN, ti TINYINT, si SMALLINT,"
                            + " i INT, l BIGINT, r REAL, d DOUBLE PRECISION, dec DECIMAL(20,4), bi NUMERIC(40,0),"
                            + " s VARCHAR(100), ch CHAR(1), bin VARBINARY(10), bin0 VARBINARY(10), sd DATE, st TIME,"
                            + " sts TIMESTAMP(9), ld DATE, lt TIME, ldt TIMESTAMP(9), odt TIMESTAMP(9) WITH TIME ZONE,"
                            + " ot TIME WITH TIME ZONE, ins TIMESTAMP(9) WITH TIME ZONE, u UUID, n1 VARCHAR(10), n2 INT,"
                            + " typed BIGINT, zdt TIMESTAMP(9) WITH TIME ZONE, dur INTERVAL DAY TO SECOND(9))"),
                    new LoggedStatement(LoggedStatement.Kind.DML, "INSERT INTO codec_t VALUES ("
                            + "?, ".repeat(values.length - 1) + "?)", values, types));
            for (LoggedStatement st : LogEntryCodec.decode(LogEntryCodec.encode(entry))) {
                try (PreparedStatement ps = c.prepareStatement(st.sql())) {
                    LogEntryCodec.bind(ps, st);
                    ps.executeUpdate();
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM codec_t")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong("id")).isEqualTo(1L);
                assertThat(rs.getBoolean("b")).isTrue();
                assertThat(rs.getByte("ti")).isEqualTo((byte) -5);
                assertThat(rs.getShort("si")).isEqualTo((short) 1234);
                assertThat(rs.getInt("i")).isEqualTo(42);
                assertThat(rs.getLong("l")).isEqualTo(Long.MIN_VALUE);
                assertThat(rs.getFloat("r")).isEqualTo(1.5f);
                assertThat(rs.getDouble("d")).isEqualTo(-0.25);
                assertThat(rs.getBigDecimal("dec")).isEqualTo(new BigDecimal("12345.6700"));
                assertThat(rs.getBigDecimal("bi").toBigIntegerExact()).isEqualTo(new BigInteger("123456789012345678901234567890"));
                assertThat(rs.getString("s")).isEqualTo("héllo \uD83D\uDE00");
                assertThat(rs.getString("ch")).isEqualTo("Z");
                assertThat(rs.getBytes("bin")).containsExactly(1, 2, 3);
                assertThat(rs.getBytes("bin0")).isEmpty();
                assertThat(rs.getDate("sd")).isEqualTo(java.sql.Date.valueOf("2024-02-29"));
                assertThat(rs.getTime("st")).isEqualTo(java.sql.Time.valueOf("13:14:15"));
                assertThat(rs.getObject("sts", LocalDateTime.class)).isEqualTo(LocalDateTime.of(2024, 3, 10, 2, 30, 0, 123_456_789));
                assertThat(rs.getObject("ld", LocalDate.class)).isEqualTo(LocalDate.of(1999, 12, 31));
                assertThat(rs.getObject("lt", LocalTime.class)).isEqualTo(LocalTime.of(23, 59, 58));
                assertThat(rs.getObject("ldt", LocalDateTime.class)).isEqualTo(LocalDateTime.of(2024, 11, 3, 1, 30, 0, 5));
                assertThat(rs.getObject("odt", OffsetDateTime.class))
                        .isEqualTo(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 6, ZoneOffset.ofHours(2)));
                assertThat(rs.getObject("ot", OffsetTime.class)).isEqualTo(OffsetTime.of(10, 11, 12, 0, ZoneOffset.ofHours(-3)));
                assertThat(rs.getObject("ins", Instant.class)).isEqualTo(Instant.parse("2024-05-06T07:08:09.123456789Z"));
                assertThat(rs.getObject("u", UUID.class)).isEqualTo(uuid);
                assertThat(rs.getObject("n1")).isNull();
                assertThat(rs.getObject("n2")).isNull();
                assertThat(rs.getLong("typed")).isEqualTo(77L);
                assertThat(rs.getObject("zdt", OffsetDateTime.class).toInstant())
                        .isEqualTo(Instant.parse("2024-11-03T06:30:00Z"));
                assertThat(rs.getObject("dur", Duration.class)).isEqualTo(Duration.ofSeconds(90_061, 5));
                assertThat(rs.next()).isFalse();
            }
        }
    }
}
