package io.shardline.replication;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link ReplicationListener#logging()}: every event as one SLF4J line. */
final class LoggingListener implements ReplicationListener {

    static final LoggingListener INSTANCE = new LoggingListener();
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationListener.class);

    private LoggingListener() {
    }

    @Override
    public void stateChanged(String replica, ReplicaState from, ReplicaState to, String error) {
        if (to == ReplicaState.DOWN) {
            LOG.warn("Replica {}: {} -> DOWN ({}); retrying with backoff, writes continue", replica, from, error);
        } else if (from == ReplicaState.DOWN || from == ReplicaState.BROKEN) {
            LOG.info("Replica {}: {} -> {}", replica, from, to);
        } else {
            LOG.debug("Replica {}: {} -> {}", replica, from, to);
        }
    }

    @Override
    public void broken(String replica, long position, String error) {
        LOG.error("Replica {}: BROKEN at log position {}: {}. Nothing after it is applied until an operator resumes it.",
                replica, position, error);
    }

    @Override
    public void lagging(String replica, long entriesBehind, long millisBehind) {
        LOG.warn("Replica {}: {} entries ({} ms) behind the primary", replica, entriesBehind, millisBehind);
    }

    @Override
    public void ackTimedOut(String shard, long position, int acknowledged, int required) {
        LOG.warn("Shard {}: synchronous commit at log position {} acknowledged by {} of {} required replicas in time;"
                + " degraded to asynchronous (the write is committed and will still reach them)", shard, position,
                acknowledged, required);
    }

    @Override
    public void logTooLarge(String shard, long entries, long limit) {
        LOG.warn("Shard {}: the replication log holds {} entries, over the alert limit of {}: a replica is far behind"
                + " or down, and entries it has not applied cannot be pruned", shard, entries, limit);
    }
}
