package io.shardline.routing.read;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Each read goes to an eligible replica with probability proportional to its {@code weight}:
 * weights 1 and 2 split reads one third / two thirds. Ineligible replicas drop out of the draw.
 */
final class WeightedBalancer implements ReplicaBalancer {

    @Override
    public int choose(ReplicaCandidates c) {
        int n = c.size();
        long total = 0;
        for (int i = 0; i < n; i++) if (c.eligible(i)) total += c.weight(i);
        if (total == 0) return -1;
        long pick = ThreadLocalRandom.current().nextLong(total);
        for (int i = 0; i < n; i++) {
            if (!c.eligible(i)) continue;
            pick -= c.weight(i);
            if (pick < 0) return i;
        }
        return -1; // eligibility changed between the two passes: let the caller fall back
    }
}
