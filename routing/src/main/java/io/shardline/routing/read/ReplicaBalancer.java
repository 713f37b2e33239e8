package io.shardline.routing.read;

import java.util.Locale;

/**
 * Chooses the replica that serves a read, among the eligible ones. Implementations are
 * thread-safe and lock-free: they sit on the path of every read. A connection reads through its
 * own {@link #forConnection()} balancer, which may keep per-connection state (a round-robin turn)
 * so that a read touches nothing other connections write.
 */
public interface ReplicaBalancer {

    /**
     * The index of the chosen replica, or -1 when none is eligible.
     *
     * @param candidates the replicas, with their eligibility for this read
     */
    int choose(ReplicaCandidates candidates);

    /**
     * The balancer one connection chooses with, for as long as it lives. It is used by one thread
     * at a time (as a JDBC connection is) and need not be thread-safe; reads balanced by the
     * per-connection balancers of many connections are spread as evenly as by this one. Stateless
     * balancers return themselves.
     */
    default ReplicaBalancer forConnection() {
        return this;
    }

    /**
     * The balancer named in the topology ({@code reads.balancer}).
     *
     * @throws IllegalArgumentException for an unknown name
     */
    static ReplicaBalancer named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "round-robin" -> new RoundRobinBalancer();
            case "random" -> new RandomBalancer();
            case "weighted" -> new WeightedBalancer();
            case "least-lag" -> new LeastLagBalancer();
            default -> throw new IllegalArgumentException("unknown balancer '" + name
                    + "' (use round-robin, random, weighted or least-lag)");
        };
    }
}
