package io.shardline.routing.shard;

import java.security.SecureRandom;
import java.util.function.LongSupplier;

/**
 * Snowflake ids for {@code keyGenerator: { type: snowflake }}: 64-bit, time-ordered, unique across
 * processes that use different worker ids, generated without any round trip.
 *
 * <pre>
 *  bit 63     62 ............ 22   21 ...... 12   11 ...... 0
 *   0      milliseconds since      worker id      sequence
 *          2024-01-01T00:00Z (41)  (10 bits)      (12 bits)
 * </pre>
 *
 * <p>Up to 4,096 ids per millisecond per worker; 1,024 workers; ~69 years of range.
 *
 * <p><b>Worker id</b>: from the system property {@code shardline.workerId} or the environment
 * variable {@code SHARDLINE_WORKER_ID} (0–1023); give each application instance its own. Without
 * one, a random id is drawn at start-up (collision chance between two instances: 1 in 1,024 — set
 * it explicitly in production).
 *
 * <p><b>Clock moving backwards</b> (NTP step, VM migration): the generator never goes back. It
 * keeps issuing ids from its last timestamp, borrowing from the future when a millisecond's 4,096
 * sequence numbers run out, so ids stay unique and increasing; the wall clock catches up later.
 */
public final class SnowflakeIds {

    /** 2024-01-01T00:00:00Z in epoch milliseconds. */
    public static final long EPOCH = 1_704_067_200_000L;
    private static final int WORKER_BITS = 10;
    private static final int SEQUENCE_BITS = 12;
    private static final long MAX_WORKER = (1L << WORKER_BITS) - 1;
    private static final long SEQUENCE_MASK = (1L << SEQUENCE_BITS) - 1;

    private final long worker;
    private final LongSupplier clock;
    private long lastMillis = -1;
    private long sequence;

    /** A generator for {@code workerId} (0–1023) on the system clock. */
    public SnowflakeIds(long workerId) {
        this(workerId, System::currentTimeMillis);
    }

    /** A generator on a given clock (tests). */
    public SnowflakeIds(long workerId, LongSupplier clock) {
        if (workerId < 0 || workerId > MAX_WORKER) {
            throw new IllegalArgumentException("snowflake worker id must be 0-" + MAX_WORKER + ", was " + workerId);
        }
        this.worker = workerId;
        this.clock = clock;
    }

    /** The worker id configured for this process (see the class comment), or a random one. */
    public static long configuredWorkerId() {
        String v = System.getProperty("shardline.workerId");
        if (v == null || v.isBlank()) v = System.getenv("SHARDLINE_WORKER_ID");
        if (v != null && !v.isBlank()) return Long.parseLong(v.trim());
        return new SecureRandom().nextInt((int) MAX_WORKER + 1);
    }

    /** The next id. Thread-safe. */
    public synchronized long next() {
        long now = clock.getAsLong() - EPOCH;
        if (now > lastMillis) {
            lastMillis = now;
            sequence = 0;
        } else {
            // same millisecond, or the clock went back: stay on the last timestamp
            sequence = (sequence + 1) & SEQUENCE_MASK;
            if (sequence == 0) lastMillis++; // this millisecond is used up: borrow the next one
        }
        return (lastMillis << (WORKER_BITS + SEQUENCE_BITS)) | (worker << SEQUENCE_BITS) | sequence;
    }

    /** The worker id encoded in {@code id}. */
    public static long workerOf(long id) {
        return (id >>> SEQUENCE_BITS) & MAX_WORKER;
    }
}
