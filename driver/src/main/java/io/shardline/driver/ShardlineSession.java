package io.shardline.driver;

import java.sql.SQLException;

/**
 * Read-your-writes across connections. A Shardline connection remembers the log position of its
 * last commit on each shard and reads only from replicas that have applied it. This token carries
 * that memory to another connection — the next request of the same HTTP session, say:
 *
 * <pre>{@code
 * String token = connection.unwrap(ShardlineSession.class).sessionToken();   // after the write
 * httpSession.setAttribute("shardline", token);
 * ...
 * otherConnection.unwrap(ShardlineSession.class).resumeSession(token);       // before the read
 * }</pre>
 *
 * <p>Where connections come and go (a pool, a Spring transaction per call), the same memory can
 * follow a <em>thread</em> instead: {@link #begin(String)} opens a scope in which every read waits
 * for the commits named by a token and every commit made on the thread is added to it, so a token
 * taken at the end of an HTTP request and sent back with the next one, or passed to another
 * service, carries read-your-writes across requests, instances and services (the Spring Boot
 * starter does this with a {@code Shardline-Session} header):
 *
 * <pre>{@code
 * try (ShardlineSession.Scope scope = ShardlineSession.begin(request.getHeader("Shardline-Session"))) {
 *     ... handle the request ...
 *     response.setHeader("Shardline-Session", scope.token());
 * }
 * }</pre>
 *
 * <p>Within one application instance nothing is needed: with {@code reads.scope: instance} (the
 * default) a read already sees every commit the instance made.
 *
 * <p>The token is a short opaque string (today {@code shard:position} pairs); it contains no
 * data and no credentials.
 */
public interface ShardlineSession {

    /**
     * Opens a read-your-writes scope on the current thread, until {@link Scope#close()}: reads made
     * on this thread through any Shardline connection read only from replicas that have applied
     * the commits named by {@code token} (null or empty: none), and commits made on this thread are
     * added to the scope. Scopes nest.
     *
     * @throws SQLException if the token is malformed (SQLState 22023)
     */
    static Scope begin(String token) throws SQLException {
        return CausalScope.begin(token);
    }

    /** A thread's read-your-writes scope; see {@link ShardlineSession#begin(String)}. */
    interface Scope extends AutoCloseable {
        /** The commits this scope's reads wait for (resumed and made here), as a token; empty if none. */
        String token();

        /** Ends the scope on this thread (the thread that began it). */
        @Override
        void close();
    }

    /** The positions of this connection's last commits, as a token for {@link #resumeSession}. */
    String sessionToken() throws SQLException;

    /**
     * Makes this connection's reads wait for (read only from replicas that have applied) the
     * commits named by {@code token}, in addition to its own. Unknown shards are ignored.
     *
     * @throws SQLException if the token is malformed
     */
    void resumeSession(String token) throws SQLException;
}
