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
 * <p>The token is a short opaque string (today {@code shard:position} pairs); it contains no
 * data and no credentials.
 */
public interface ShardlineSession {

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
