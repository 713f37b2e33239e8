package io.shardline.routing.read;

/**
 * The replicas a balancer chooses among, seen through a view that costs nothing to consult: the
 * driver implements it over its live replica state, so choosing allocates nothing.
 */
public interface ReplicaCandidates {

    /** How many replicas there are; indexes run from 0 to {@code size() - 1}. */
    int size();

    /** Whether replica {@code i} may serve this read (healthy, not ejected, caught up enough). */
    boolean eligible(int i);

    /** Replica {@code i}'s configured weight (at least 1). */
    int weight(int i);

    /** How far replica {@code i} is behind its primary, in log entries (0 when caught up). */
    long lagEntries(int i);
}
