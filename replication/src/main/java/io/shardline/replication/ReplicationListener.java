package io.shardline.replication;

/**
 * Hears what happens to replicas, so that an application can alert on it. Callbacks run on the
 * applier's thread: keep them short and never block. The default implementation
 * ({@link #logging()}) logs through SLF4J.
 */
public interface ReplicationListener {

    /** A replica changed state, e.g. HEALTHY to DOWN. {@code error} is the cause, or null. */
    default void stateChanged(String replica, ReplicaState from, ReplicaState to, String error) {
    }

    /**
     * A replica halted at {@code position} because an entry failed for a reason retry cannot cure.
     * Nothing after it is applied until an operator resumes it.
     */
    default void broken(String replica, long position, String error) {
    }

    /** A replica fell further behind than the configured threshold (reported once per crossing). */
    default void lagging(String replica, long entriesBehind, long millisBehind) {
    }

    /** A synchronous commit was not acknowledged in time and degraded to asynchronous. */
    default void ackTimedOut(String shard, long position, int acknowledged, int required) {
    }

    /** The primary's log holds more entries than the configured alert limit (a replica is far behind). */
    default void logTooLarge(String shard, long entries, long limit) {
    }

    /** A listener that logs every event through SLF4J (WARN/ERROR for trouble, INFO for recovery). */
    static ReplicationListener logging() {
        return LoggingListener.INSTANCE;
    }
}
