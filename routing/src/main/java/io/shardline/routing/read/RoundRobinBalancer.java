package io.shardline.routing.read;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each read goes to the next eligible replica in turn. One atomic increment per read; an
 * ineligible replica is stepped over, so its share goes to the next one.
 */
final class RoundRobinBalancer implements ReplicaBalancer {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public int choose(ReplicaCandidates c) {
        int n = c.size();
        if (n == 0) return -1;
        int start = Math.floorMod(next.getAndIncrement(), n);
        for (int k = 0; k < n; k++) {
            int i = start + k;
            if (i >= n) i -= n;
            if (c.eligible(i)) return i;
        }
        return -1;
    }
}
