package io.shardline.routing.shard;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;
import java.util.zip.CRC32;

/**
 * The {@code hash} strategy: a stable hash of the key's canonical text, reproducible by any tool:
 *
 * <pre>
 *   shard = floorMod(CRC32(UTF-8 bytes of canonical(key)), shardCount)
 * </pre>
 *
 * where CRC32 is the standard CRC-32 (ISO-HDLC, as {@link java.util.zip.CRC32}, zlib's
 * {@code crc32}, Python's {@code zlib.crc32}, MySQL's {@code CRC32()}) taken as an unsigned 32-bit
 * value, and {@code canonical(key)} is:
 * <ul>
 *   <li>an integer ({@link Integer}, {@link Long}, {@link Short}, {@link Byte},
 *       {@link java.math.BigInteger}, a {@link java.math.BigDecimal} without a fraction) or a string
 *       of decimal digits with an optional sign: its decimal form without leading zeros or '+', with
 *       '-' for negatives ({@code 42}, {@code "042"} and {@code "+42"} all give {@code "42"});</li>
 *   <li>a {@link UUID}, or a string in UUID form (8-4-4-4-12 hex digits, any case): the lower-case
 *       8-4-4-4-12 form, so a UUID bound as an object and the same UUID written as text agree;</li>
 *   <li>any other string ({@link CharSequence}, {@link Character}): the string itself, unchanged.</li>
 * </ul>
 * Other key types are an {@link IllegalArgumentException}. Example: key {@code 42} hashes
 * {@code "42"}: CRC32 = 0x3224B088 = 841265288, so with 4 shards it lives on shard 0.
 */
final class HashStrategy implements ShardStrategy {

    /** The shared instance (the strategy is stateless). */
    public static final HashStrategy INSTANCE = new HashStrategy();

    /** Use {@link #INSTANCE}; public for tools that instantiate strategies reflectively. */
    public HashStrategy() {
    }

    @Override
    public int shardOf(Object key, int shardCount) {
        if (shardCount < 1) throw new IllegalArgumentException("shardCount must be >= 1, was " + shardCount);
        return (int) Math.floorMod(hash(key), (long) shardCount);
    }

    /** The unsigned CRC32 of the key's canonical text (see the class comment). */
    public static long hash(Object key) {
        CRC32 crc = new CRC32();
        if (key instanceof Long || key instanceof Integer || key instanceof Short || key instanceof Byte) {
            // the decimal digits are ASCII: no String needed
            long v = ((Number) key).longValue();
            byte[] buf = new byte[20];
            int p = buf.length;
            boolean neg = v < 0;
            if (v == 0) buf[--p] = '0';
            while (v != 0) {
                buf[--p] = (byte) ('0' + Math.abs(v % 10));
                v /= 10;
            }
            if (neg) buf[--p] = '-';
            crc.update(buf, p, buf.length - p);
            return crc.getValue();
        }
        crc.update(canonical(key).getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    /**
     * The canonical text of a key (see the class comment).
     *
     * @throws IllegalArgumentException for an unsupported key type
     */
    public static String canonical(Object key) {
        if (key == null) throw new IllegalArgumentException("a shard key cannot be null");
        if (key instanceof UUID u) return u.toString();
        Number n = ShardStrategy.integerOf(key);
        if (n != null) return n.toString();
        if (key instanceof CharSequence || key instanceof Character) {
            String s = key.toString();
            if (s.length() == 36 && UUID_TEXT.matcher(s).matches()) return s.toLowerCase(Locale.ROOT);
            return s;
        }
        throw new IllegalArgumentException("the hash shard strategy needs an integer, string or UUID key, got "
                + ShardStrategy.describe(key));
    }

    @Override
    public String toString() {
        return "hash";
    }
}
