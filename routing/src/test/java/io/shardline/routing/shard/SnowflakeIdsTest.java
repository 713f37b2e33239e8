package io.shardline.routing.shard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SnowflakeIdsTest {

    @Test
    void idsAreUniqueAndIncreasingEvenWhenTheClockGoesBack() {
        AtomicLong clock = new AtomicLong(SnowflakeIds.EPOCH + 1_000_000);
        SnowflakeIds ids = new SnowflakeIds(7, clock::get);
        Set<Long> seen = new HashSet<>();
        long last = -1;
        for (int i = 0; i < 20_000; i++) {
            if (i == 5_000) clock.addAndGet(-500); // NTP step backwards
            if (i % 3 == 0) clock.incrementAndGet();
            long id = ids.next();
            assertThat(id).isGreaterThan(last);
            assertThat(seen.add(id)).isTrue();
            assertThat(SnowflakeIds.workerOf(id)).isEqualTo(7);
            last = id;
        }
    }

    @Test
    void differentWorkersNeverCollide() {
        AtomicLong clock = new AtomicLong(SnowflakeIds.EPOCH + 42);
        SnowflakeIds a = new SnowflakeIds(1, clock::get);
        SnowflakeIds b = new SnowflakeIds(2, clock::get);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(a.next())).isTrue();
            assertThat(seen.add(b.next())).isTrue();
        }
        assertThatThrownBy(() -> new SnowflakeIds(1024)).hasMessageContaining("0-1023");
    }
}
