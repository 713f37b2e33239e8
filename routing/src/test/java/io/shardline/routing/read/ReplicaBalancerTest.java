package io.shardline.routing.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplicaBalancerTest {

    /** A fixed set of replicas for the balancers to choose from. */
    record Fixed(boolean[] eligible, int[] weights, long[] lags) implements ReplicaCandidates {
        @Override
        public int size() {
            return eligible.length;
        }

        @Override
        public boolean eligible(int i) {
            return eligible[i];
        }

        @Override
        public int weight(int i) {
            return weights[i];
        }

        @Override
        public long lagEntries(int i) {
            return lags[i];
        }
    }

    private static int[] spread(ReplicaBalancer b, ReplicaCandidates c, int reads) {
        int[] counts = new int[c.size()];
        for (int i = 0; i < reads; i++) {
            int k = b.choose(c);
            assertThat(k).isNotNegative();
            counts[k]++;
        }
        return counts;
    }

    @Test
    void roundRobinIsExactAndStepsOverIneligibleReplicas() {
        Fixed all = new Fixed(new boolean[] {true, true, true}, new int[] {1, 1, 1}, new long[3]);
        assertThat(spread(new RoundRobinBalancer(), all, 3000)).containsExactly(1000, 1000, 1000);
        Fixed middleOut = new Fixed(new boolean[] {true, false, true}, new int[] {1, 1, 1}, new long[3]);
        int[] c = spread(new RoundRobinBalancer(), middleOut, 3000);
        assertThat(c[1]).isZero();
        assertThat(c[0] + c[2]).isEqualTo(3000);
    }

    @Test
    void weightedSplitsByWeight() {
        Fixed c = new Fixed(new boolean[] {true, true}, new int[] {1, 2}, new long[2]);
        int[] counts = spread(new WeightedBalancer(), c, 30_000);
        assertThat(counts[0] / 30_000.0).isBetween(0.30, 0.37);
        assertThat(counts[1] / 30_000.0).isBetween(0.63, 0.70);
    }

    @Test
    void randomSpreadsRoughlyEvenly() {
        Fixed c = new Fixed(new boolean[] {true, true, true}, new int[] {1, 1, 1}, new long[3]);
        for (int n : spread(new RandomBalancer(), c, 30_000)) assertThat(n / 30_000.0).isBetween(0.30, 0.37);
    }

    @Test
    void leastLagPrefersTheReplicaFurthestAheadAndRotatesTies() {
        Fixed c = new Fixed(new boolean[] {true, true, true}, new int[] {1, 1, 1}, new long[] {5, 0, 0});
        int[] counts = spread(new LeastLagBalancer(), c, 1000);
        assertThat(counts[0]).isZero();
        assertThat(counts[1]).isEqualTo(500);
    }

    @Test
    void noEligibleReplicaMeansMinusOne() {
        Fixed none = new Fixed(new boolean[] {false, false}, new int[] {1, 1}, new long[2]);
        for (String name : new String[] {"round-robin", "random", "weighted", "least-lag"}) {
            assertThat(ReplicaBalancer.named(name).choose(none)).isEqualTo(-1);
        }
        assertThatThrownBy(() -> ReplicaBalancer.named("fastest")).hasMessageContaining("unknown balancer");
    }
}
