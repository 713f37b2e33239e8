package io.shardline.routing.shard;

import java.math.BigInteger;

/**
 * The {@code mod} strategy: {@code Math.floorMod(key, shardCount)} over integer keys, shards in the
 * order they are listed. Negative keys therefore map into {@code [0, shardCount)} as well
 * ({@code -1 mod 4 = 3}).
 *
 * <p>Accepted keys: {@link Integer}, {@link Long}, {@link Short}, {@link Byte}, {@link BigInteger},
 * a {@link java.math.BigDecimal} without a fractional part ({@code 42.00} is 42), and strings of
 * decimal digits with an optional sign ({@code "42"}, {@code "-7"}: what a database converts when a
 * string is compared with an integer column). Anything else (a fraction, a non-numeric string, a
 * UUID) is an {@link IllegalArgumentException}.
 */
final class ModStrategy implements ShardStrategy {

    /** The shared instance (the strategy is stateless). */
    public static final ModStrategy INSTANCE = new ModStrategy();

    /** Use {@link #INSTANCE}; public for tools that instantiate strategies reflectively. */
    public ModStrategy() {
    }

    @Override
    public int shardOf(Object key, int shardCount) {
        if (shardCount < 1) throw new IllegalArgumentException("shardCount must be >= 1, was " + shardCount);
        if (key instanceof Long l) return (int) Math.floorMod(l, (long) shardCount);
        if (key instanceof Integer i) return Math.floorMod(i, shardCount);
        Number n = ShardStrategy.integerOf(key);
        if (n instanceof Long l) return (int) Math.floorMod(l, (long) shardCount);
        if (n instanceof BigInteger b) return b.mod(BigInteger.valueOf(shardCount)).intValue();
        throw new IllegalArgumentException("the mod shard strategy needs an integer key, got "
                + ShardStrategy.describe(key) + " (use strategy hash or range for other keys)");
    }

    @Override
    public String toString() {
        return "mod";
    }
}
