package io.shardline.replication;

/** The health of one replica as seen by its applier. */
public enum ReplicaState {
    /** Applied everything it has seen; serving reads. */
    HEALTHY,
    /** Reachable and applying, but behind the primary's log head. */
    CATCHING_UP,
    /** Unreachable or failing with a transient error; retried with backoff. */
    DOWN,
    /**
     * Halted at a log position by an error that retry cannot cure (e.g. a constraint violation);
     * nothing after it is applied until an operator resumes it.
     */
    BROKEN,
    /** The applier has been stopped. */
    STOPPED,
    /**
     * Paused by an operator ({@code pauseReplica}): nothing is applied until it is unpaused; it
     * still serves reads within read-your-writes and {@code reads.maxLag}, like a replica catching up.
     */
    PAUSED
}
