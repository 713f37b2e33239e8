package io.shardline.driver;

import java.sql.SQLException;
import java.util.Map;

/**
 * A thread's read-your-writes scope ({@link ShardlineSession#begin(String)}): the commits its
 * reads must see (those named by the token it began with, plus every commit made on the thread
 * while it is open), per shard name. Reads and commits look it up through a thread-local; with no
 * scope open (the common case) that costs one thread-local read and a null test.
 *
 * <p>Scopes nest: closing one restores the enclosing scope, which also learns the inner scope's
 * commits (a commit made inside a request is a commit of the whole request).
 */
final class CausalScope implements ShardlineSession.Scope {

    private static final ThreadLocal<CausalScope> CURRENT = new ThreadLocal<>();

    private final Map<String, Long> positions;
    private final CausalScope outer;
    private final Thread thread;
    private boolean closed;

    private CausalScope(Map<String, Long> positions, CausalScope outer) {
        this.positions = positions;
        this.outer = outer;
        this.thread = Thread.currentThread();
    }

    static CausalScope begin(String token) throws SQLException {
        Map<String, Long> positions = SessionToken.parse(token);
        CausalScope outer = CURRENT.get();
        if (outer != null) outer.positions.forEach((k, v) -> positions.merge(k, v, Math::max));
        CausalScope scope = new CausalScope(positions, outer);
        CURRENT.set(scope);
        return scope;
    }

    /** The position a replica of shard {@code name} must have applied for this thread's reads, or 0. */
    static long required(String shard) {
        CausalScope s = CURRENT.get();
        if (s == null) return 0;
        Long p = s.positions.get(shard);
        return p == null ? 0 : p;
    }

    /** Records a commit made on this thread in its open scope, if any. */
    static void committed(String shard, long position) {
        CausalScope s = CURRENT.get();
        if (s != null) s.positions.merge(shard, position, Math::max);
    }

    @Override
    public String token() {
        return SessionToken.format(positions);
    }

    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a Shardline session scope must be closed by the thread that began it");
        }
        closed = true;
        if (CURRENT.get() == this) {
            if (outer != null) positions.forEach((k, v) -> outer.positions.merge(k, v, Math::max));
            if (outer == null) CURRENT.remove();
            else CURRENT.set(outer);
        }
    }
}
