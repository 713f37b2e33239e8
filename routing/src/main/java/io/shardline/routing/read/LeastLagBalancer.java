package io.shardline.routing.read;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each read goes to the eligible replica furthest ahead (fewest log entries behind); ties, such
 * as several fully caught-up replicas, are shared round-robin so load still spreads evenly. As for
 * {@link RoundRobinBalancer}, the tie-break turn is kept per connection ({@link #forConnection()}),
 * each connection starting one turn after the previous one.
 */
final class LeastLagBalancer implements ReplicaBalancer {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public int choose(ReplicaCandidates c) {
        return choose(c, next.getAndIncrement());
    }

    @Override
    public ReplicaBalancer forConnection() {
        return new PerConnection(next.getAndIncrement());
    }

    static int choose(ReplicaCandidates c, int turn) {
        int n = c.size();
        long best = Long.MAX_VALUE;
        int ties = 0;
        for (int i = 0; i < n; i++) {
            if (!c.eligible(i)) continue;
            long lag = c.lagEntries(i);
            if (lag < best) {
                best = lag;
                ties = 1;
            } else if (lag == best) {
                ties++;
            }
        }
        if (ties == 0) return -1;
        int pick = Math.floorMod(turn, ties);
        for (int i = 0; i < n; i++) {
            if (c.eligible(i) && c.lagEntries(i) == best && pick-- == 0) return i;
        }
        return -1; // state changed between the passes: let the caller fall back
    }

    /** One connection's tie-break turn: a plain field, confined to the connection. */
    private static final class PerConnection implements ReplicaBalancer {
        private int turn;

        PerConnection(int first) {
            this.turn = first;
        }

        @Override
        public int choose(ReplicaCandidates c) {
            return LeastLagBalancer.choose(c, turn++);
        }

        @Override
        public ReplicaBalancer forConnection() {
            return new PerConnection(turn);
        }
    }
}
