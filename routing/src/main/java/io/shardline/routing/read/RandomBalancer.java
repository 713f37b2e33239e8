package io.shardline.routing.read;

import java.util.concurrent.ThreadLocalRandom;

/** Each read goes to an eligible replica chosen uniformly at random (no shared state at all). */
final class RandomBalancer implements ReplicaBalancer {

    @Override
    public int choose(ReplicaCandidates c) {
        int n = c.size();
        if (n == 0) return -1;
        int start = ThreadLocalRandom.current().nextInt(n);
        for (int k = 0; k < n; k++) {
            int i = start + k;
            if (i >= n) i -= n;
            if (c.eligible(i)) return i;
        }
        return -1;
    }
}
