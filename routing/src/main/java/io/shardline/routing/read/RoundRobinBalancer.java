package io.shardline.routing.read;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each read goes to the next eligible replica in turn; an ineligible replica is stepped over, so
 * its share goes to the next one.
 *
 * <p>The turn is kept per connection ({@link #forConnection()}): a read increments a plain field of
 * its own connection, never a counter shared by every connection. Each connection starts its turn
 * one replica further than the connection opened before it (the only shared increment, once per
 * connection), so reads stay evenly spread across connections however few reads each one makes.
 * The shared instance's own {@link #choose} still balances with one atomic increment per read.
 */
final class RoundRobinBalancer implements ReplicaBalancer {

    /** The shared turn of {@link #choose}, and the first turn of the next connection's balancer. */
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public int choose(ReplicaCandidates c) {
        int n = c.size();
        if (n == 0) return -1;
        return firstEligible(c, Math.floorMod(next.getAndIncrement(), n), n);
    }

    /** A round-robin turn of one connection's own, starting one replica after the previous connection's. */
    @Override
    public ReplicaBalancer forConnection() {
        return new PerConnection(next.getAndIncrement());
    }

    static int firstEligible(ReplicaCandidates c, int start, int n) {
        for (int k = 0; k < n; k++) {
            int i = start + k;
            if (i >= n) i -= n;
            if (c.eligible(i)) return i;
        }
        return -1;
    }

    /** One connection's turn: a plain field, confined to the connection like the connection itself. */
    private static final class PerConnection implements ReplicaBalancer {
        /** The replica this connection's next read tries first (reduced modulo the count on first use). */
        private int turn;

        PerConnection(int first) {
            this.turn = first & Integer.MAX_VALUE;
        }

        @Override
        public int choose(ReplicaCandidates c) {
            int n = c.size();
            if (n == 0) return -1;
            int start = turn;
            if (start >= n) start %= n;
            turn = start + 1 == n ? 0 : start + 1;
            return firstEligible(c, start, n);
        }

        @Override
        public ReplicaBalancer forConnection() {
            return new PerConnection(turn);
        }
    }
}
