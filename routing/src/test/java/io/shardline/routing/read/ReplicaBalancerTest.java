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
    void perConnectionRoundRobinIsExactWithinOneConnection() {
        Fixed all = new Fixed(new boolean[] {true, true, true}, new int[] {1, 1, 1}, new long[3]);
        ReplicaBalancer connection = new RoundRobinBalancer().forConnection();
        assertThat(spread(connection, all, 3000)).containsExactly(1000, 1000, 1000);
        Fixed middleOut = new Fixed(new boolean[] {true, false, true}, new int[] {1, 1, 1}, new long[3]);
        int[] c = spread(connection, middleOut, 3000);
        assertThat(c[1]).isZero();
        assertThat(c[0] + c[2]).isEqualTo(3000);
    }

    @Test
    void perConnectionRoundRobinStaysBalancedAcrossConnections() {
        Fixed all = new Fixed(new boolean[] {true, true, true}, new int[] {1, 1, 1}, new long[3]);
        RoundRobinBalancer shared = new RoundRobinBalancer();
        // many short-lived connections with one read each: each starts one replica further
        int[] oneRead = new int[3];
        for (int i = 0; i < 3000; i++) oneRead[shared.forConnection().choose(all)]++;
        assertThat(oneRead).containsExactly(1000, 1000, 1000);
        // connections with a few reads each (5 reads over 3 replicas, 6 connections): still exact
        int[] fewReads = new int[3];
        for (int k = 0; k < 6; k++) {
            int[] one = spread(shared.forConnection(), all, 5);
            for (int i = 0; i < 3; i++) fewReads[i] += one[i];
        }
        assertThat(fewReads).containsExactly(10, 10, 10);
    }

    @Test
    void perConnectionRoundRobinReadsDoNotAdvanceTheSharedTurn() {
        Fixed all = new Fixed(new boolean[] {true, true}, new int[] {1, 1}, new long[2]);
        RoundRobinBalancer shared = new RoundRobinBalancer();
        ReplicaBalancer first = shared.forConnection();
        for (int i = 0; i < 101; i++) first.choose(all);
        // the second connection starts one turn after the first, whatever the first one read
        assertThat(shared.forConnection().choose(all)).isEqualTo(1);
        assertThat(shared.forConnection().choose(all)).isEqualTo(0);
    }

    @Test
    void perConnectionRoundRobinIsBalancedUnderConcurrentConnections() throws Exception {
        Fixed all = new Fixed(new boolean[] {true, true}, new int[] {1, 1}, new long[2]);
        RoundRobinBalancer shared = new RoundRobinBalancer();
        int threads = 4;
        int[][] counts = new int[threads][];
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int k = t;
            ts[t] = new Thread(() -> counts[k] = spread(shared.forConnection(), all, 10_001));
            ts[t].start();
        }
        int[] total = new int[2];
        for (int t = 0; t < threads; t++) {
            ts[t].join();
            assertThat(Math.abs(counts[t][0] - counts[t][1])).isEqualTo(1);
            total[0] += counts[t][0];
            total[1] += counts[t][1];
        }
        // two connections started on each replica: their odd reads cancel out
        assertThat(total).containsExactly(20_002, 20_002);
    }

    @Test
    void statelessBalancersServeEveryConnectionThemselves() {
        for (String name : new String[] {"random", "weighted"}) {
            ReplicaBalancer b = ReplicaBalancer.named(name);
            assertThat(b.forConnection()).isSameAs(b);
        }
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
    void perConnectionLeastLagRotatesTiesAcrossConnections() {
        Fixed c = new Fixed(new boolean[] {true, true, true}, new int[] {1, 1, 1}, new long[] {5, 0, 0});
        LeastLagBalancer shared = new LeastLagBalancer();
        assertThat(spread(shared.forConnection(), c, 1000)).containsExactly(0, 500, 500);
        int[] oneRead = new int[3];
        for (int i = 0; i < 1000; i++) oneRead[shared.forConnection().choose(c)]++;
        assertThat(oneRead).containsExactly(0, 500, 500);
    }

    @Test
    void noEligibleReplicaMeansMinusOne() {
        Fixed none = new Fixed(new boolean[] {false, false}, new int[] {1, 1}, new long[2]);
        for (String name : new String[] {"round-robin", "random", "weighted", "least-lag"}) {
            assertThat(ReplicaBalancer.named(name).choose(none)).isEqualTo(-1);
            assertThat(ReplicaBalancer.named(name).forConnection().choose(none)).isEqualTo(-1);
        }
        assertThatThrownBy(() -> ReplicaBalancer.named("fastest")).hasMessageContaining("unknown balancer");
    }
}
