package io.shardline.routing.shard;

import io.shardline.routing.Topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

class StrategyTest {

    @Test
    void modOverIntegerKeysIncludingNegatives() {
        ModStrategy m = ModStrategy.INSTANCE;
        assertThat(m.shardOf(7L, 4)).isEqualTo(3);
        assertThat(m.shardOf(8, 4)).isEqualTo(0);
        assertThat(m.shardOf(-1L, 4)).isEqualTo(3);
        assertThat(m.shardOf(-8, 4)).isEqualTo(0);
        assertThat(m.shardOf((short) 5, 2)).isEqualTo(1);
        assertThat(m.shardOf((byte) -3, 2)).isEqualTo(1);
        assertThat(m.shardOf(new BigInteger("100000000000000000001"), 2)).isEqualTo(1);
        assertThat(m.shardOf(new BigInteger("-100000000000000000001"), 4))
                .isEqualTo(new BigInteger("-100000000000000000001").mod(BigInteger.valueOf(4)).intValue());
        assertThat(m.shardOf(new BigDecimal("42.000"), 4)).isEqualTo(2);
        assertThat(m.shardOf("42", 4)).isEqualTo(2);
        assertThat(m.shardOf("-1", 4)).isEqualTo(3);
        assertThat(m.shardOf(Long.MIN_VALUE, 3)).isEqualTo((int) Math.floorMod(Long.MIN_VALUE, 3L));
    }

    @Test
    void modRefusesNonIntegers() {
        assertThatThrownBy(() -> ModStrategy.INSTANCE.shardOf(new BigDecimal("1.5"), 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("integer key").hasMessageContaining("1.5");
        assertThatThrownBy(() -> ModStrategy.INSTANCE.shardOf("abc", 2)).hasMessageContaining("String 'abc'");
        assertThatThrownBy(() -> ModStrategy.INSTANCE.shardOf(UUID.randomUUID(), 2)).isInstanceOf(IllegalArgumentException.class);
    }

    private static int crcShard(String text, int n) {
        CRC32 c = new CRC32();
        c.update(text.getBytes(StandardCharsets.UTF_8));
        return (int) Math.floorMod(c.getValue(), (long) n);
    }

    @Test
    void hashIsCrc32OfCanonicalText() {
        HashStrategy h = HashStrategy.INSTANCE;
        for (long k : new long[]{0, 1, 42, -1, -42, 123456789012L, Long.MIN_VALUE, Long.MAX_VALUE}) {
            assertThat(h.shardOf(k, 7)).as("key %d", k).isEqualTo(crcShard(Long.toString(k), 7));
            assertThat(h.shardOf((int) k, 7)).isEqualTo(crcShard(Integer.toString((int) k), 7));
        }
        assertThat(HashStrategy.hash(42L)).isEqualTo(0x3224B088L);
        assertThat(h.shardOf(42L, 4)).isZero();
        // integers in any form agree
        assertThat(h.shardOf("042", 5)).isEqualTo(h.shardOf(42L, 5));
        assertThat(h.shardOf("+42", 5)).isEqualTo(h.shardOf(42, 5));
        assertThat(h.shardOf(new BigDecimal("42.0"), 5)).isEqualTo(h.shardOf(42, 5));
        assertThat(h.shardOf(BigInteger.valueOf(-9), 5)).isEqualTo(crcShard("-9", 5));
        // strings as they are (UTF-8)
        assertThat(h.shardOf("Zoë", 5)).isEqualTo(crcShard("Zoë", 5));
        assertThat(h.shardOf("abc ", 5)).isEqualTo(crcShard("abc ", 5));
        // UUIDs: lower-case canonical text, objects and strings alike
        UUID u = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
        assertThat(h.shardOf(u, 9)).isEqualTo(crcShard("123e4567-e89b-12d3-a456-426614174000", 9));
        assertThat(h.shardOf("123E4567-E89B-12D3-A456-426614174000", 9)).isEqualTo(h.shardOf(u, 9));
        assertThat(HashStrategy.canonical(-7L)).isEqualTo("-7");
        assertThatThrownBy(() -> h.shardOf(1.5d, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hash shard strategy");
    }

    @Test
    void hashSpreadsKeys() {
        int[] counts = new int[4];
        for (long k = 0; k < 10_000; k++) counts[HashStrategy.INSTANCE.shardOf(k, 4)]++;
        for (int c : counts) assertThat(c).isBetween(2000, 3000);
    }

    @Test
    void rangeWithIntegerBoundaries() {
        RangeStrategy r = new RangeStrategy(List.of("100", "1000"), 3);
        assertThat(r.shardOf(-5L, 3)).isEqualTo(0);
        assertThat(r.shardOf(99, 3)).isEqualTo(0);
        assertThat(r.shardOf(100L, 3)).isEqualTo(1);
        assertThat(r.shardOf(999L, 3)).isEqualTo(1);
        assertThat(r.shardOf(1000L, 3)).isEqualTo(2);
        assertThat(r.shardOf(new BigInteger("99999999999999999999"), 3)).isEqualTo(2);
        assertThat(r.shardOf("150", 3)).isEqualTo(1);
        RangeStrategy neg = new RangeStrategy(List.of("-10", "0"), 3);
        assertThat(neg.shardOf(-11L, 3)).isEqualTo(0);
        assertThat(neg.shardOf(-10L, 3)).isEqualTo(1);
        assertThat(neg.shardOf(0L, 3)).isEqualTo(2);
    }

    @Test
    void rangeWithStringAndUuidBoundaries() {
        RangeStrategy r = new RangeStrategy(List.of("g", "p"), 3);
        assertThat(r.shardOf("apple", 3)).isEqualTo(0);
        assertThat(r.shardOf("g", 3)).isEqualTo(1);
        assertThat(r.shardOf("orange", 3)).isEqualTo(1);
        assertThat(r.shardOf("zebra", 3)).isEqualTo(2);
        assertThatThrownBy(() -> r.shardOf(5L, 3)).hasMessageContaining("not integers");
        RangeStrategy u = new RangeStrategy(List.of("80000000-0000-0000-0000-000000000000"), 2);
        assertThat(u.shardOf(UUID.fromString("7fffffff-ffff-ffff-ffff-ffffffffffff"), 2)).isEqualTo(0);
        assertThat(u.shardOf(UUID.fromString("80000000-0000-0000-0000-000000000000"), 2)).isEqualTo(1);
        assertThat(u.shardOf("A0000000-0000-0000-0000-000000000000", 2)).isEqualTo(1);
    }

    @Test
    void rangeValidatesBoundaries() {
        assertThatThrownBy(() -> new RangeStrategy(List.of("10", "5"), 3)).hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> new RangeStrategy(List.of("10", "10"), 3)).hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> new RangeStrategy(List.of("b", "a"), 3)).hasMessageContaining("strictly increasing");
        assertThatThrownBy(() -> new RangeStrategy(List.of("10"), 3)).hasMessageContaining("needs 2 boundaries");
        assertThat(RangeStrategy.validate(List.of("9", "10"), 3)).isEmpty(); // numeric, not lexicographic
    }

    @Test
    void forRuleBuildsTheNamedStrategy() {
        assertThat(ShardStrategy.forRule(new Topology.TableRule("t", "k", "mod", false, null, null), 2)).isSameAs(ModStrategy.INSTANCE);
        assertThat(ShardStrategy.forRule(new Topology.TableRule("t", "k", "hash", false, null, null), 2)).isSameAs(HashStrategy.INSTANCE);
        assertThat(ShardStrategy.forRule(new Topology.TableRule("t", "k", "range", false, null, null, List.of("5")), 2))
                .isInstanceOf(RangeStrategy.class);
    }
}
