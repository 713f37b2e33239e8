package io.shardline.routing.shard;

import io.shardline.routing.Topology;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Decides which shard holds a shard-key value. Implementations are stateless (or immutable) and
 * thread-safe; {@link ShardRouter} calls them on the hot path.
 *
 * <p>Keys are integers ({@link Integer}, {@link Long}, {@link Short}, {@link Byte},
 * {@link BigInteger}, a {@link BigDecimal} without a fraction, or a string of decimal digits with an
 * optional sign), strings, and {@link UUID}s (or strings in the 8-4-4-4-12 UUID form). Every
 * strategy treats the integer 42 and the string {@code "42"} alike, so a key bound as
 * {@code setString} reaches the same shard as one bound as {@code setLong}.
 */
interface ShardStrategy {

    /**
     * @param key        the shard key value (never null)
     * @param shardCount the number of shards (at least 1)
     * @return the shard index, in {@code [0, shardCount)}
     * @throws IllegalArgumentException when the key's type or value is not supported by the strategy
     */
    int shardOf(Object key, int shardCount);

    /**
     * The strategy named in a table rule: {@code mod}, {@code hash} or {@code range} (with the
     * rule's boundaries).
     *
     * @throws IllegalArgumentException for an unknown strategy or invalid range boundaries
     */
    static ShardStrategy forRule(Topology.TableRule rule, int shardCount) {
        String s = rule.strategy() == null ? "mod" : rule.strategy();
        return switch (s) {
            case "mod" -> ModStrategy.INSTANCE;
            case "hash" -> HashStrategy.INSTANCE;
            case "range" -> new RangeStrategy(rule.boundaries() == null ? List.of() : rule.boundaries(), shardCount);
            default -> throw new IllegalArgumentException("unknown shard strategy '" + s + "' for table " + rule.table());
        };
    }

    // ---- shared key canonicalisation (package-private helpers) -------------------------------

    /** Decimal digits with an optional sign. */
    Pattern INTEGER_TEXT = Pattern.compile("[+-]?[0-9]+");

    /** The canonical UUID text form (any case). */
    Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /**
     * The key as an integer when it is one: a Long for values that fit, else a BigInteger; null when
     * the key is not an integer (a fraction, a non-numeric string, a UUID, ...).
     */
    static Number integerOf(Object key) {
        if (key instanceof Long || key instanceof Integer || key instanceof Short || key instanceof Byte) {
            return ((Number) key).longValue();
        }
        if (key instanceof BigInteger b) return b.bitLength() < 64 ? (Number) b.longValue() : b;
        if (key instanceof BigDecimal d) {
            BigDecimal s = d.stripTrailingZeros();
            if (s.scale() > 0) return null;
            BigInteger b = s.toBigIntegerExact();
            return b.bitLength() < 64 ? (Number) b.longValue() : b;
        }
        if (key instanceof java.util.concurrent.atomic.AtomicLong || key instanceof java.util.concurrent.atomic.AtomicInteger) {
            return ((Number) key).longValue();
        }
        if (key instanceof CharSequence cs) {
            String t = cs.toString();
            if (t.length() > 0 && t.length() < 1000 && INTEGER_TEXT.matcher(t).matches()) {
                BigInteger b = new BigInteger(t.charAt(0) == '+' ? t.substring(1) : t);
                return b.bitLength() < 64 ? (Number) b.longValue() : b;
            }
        }
        return null;
    }

    /** A short description of a key for error messages. */
    static String describe(Object key) {
        if (key == null) return "null";
        String v = String.valueOf(key);
        if (v.length() > 60) v = v.substring(0, 57) + "...";
        return key.getClass().getSimpleName() + " '" + v + "'";
    }
}
