package io.shardline.driver;

import io.shardline.replication.ReplicaState;
import io.shardline.replication.ReplicationListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's listener: SLF4J logging first, then every listener the application registered.
 * A listener that throws is logged and does not stop the others (or the applier calling it).
 */
final class ListenerChain implements ReplicationListener {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerChain.class);
    private final List<ReplicationListener> listeners = new CopyOnWriteArrayList<>(List.of(ReplicationListener.logging()));

    void add(ReplicationListener l) {
        listeners.add(l);
    }

    void remove(ReplicationListener l) {
        listeners.remove(l);
    }

    private void each(Consumer<ReplicationListener> call) {
        for (ReplicationListener l : listeners) {
            try {
                call.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("ReplicationListener {} failed: {}", l.getClass().getName(), e.toString());
            }
        }
    }

    @Override
    public void stateChanged(String replica, ReplicaState from, ReplicaState to, String error) {
        each(l -> l.stateChanged(replica, from, to, error));
    }

    @Override
    public void broken(String replica, long position, String error) {
        each(l -> l.broken(replica, position, error));
    }

    @Override
    public void lagging(String replica, long entriesBehind, long millisBehind) {
        each(l -> l.lagging(replica, entriesBehind, millisBehind));
    }

    @Override
    public void ackTimedOut(String shard, long position, int acknowledged, int required) {
        each(l -> l.ackTimedOut(shard, position, acknowledged, required));
    }

    @Override
    public void logTooLarge(String shard, long entries, long limit) {
        each(l -> l.logTooLarge(shard, entries, limit));
    }
}
