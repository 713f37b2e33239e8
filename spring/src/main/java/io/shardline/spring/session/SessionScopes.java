package io.shardline.spring.session;

import io.shardline.driver.ShardlineSession;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ShardlineSession#begin(String)} with the thread's open scope remembered, so that the
 * starter's RestClient/RestTemplate/WebClient interceptors can read its token. The servlet filter
 * opens its scopes here; open yours here too for work that does not start with an HTTP request
 * (a message listener, a scheduled job) and should carry read-your-writes to the services it calls:
 *
 * <pre>{@code
 * try (ShardlineSession.Scope scope = SessionScopes.begin(message.getHeader("Shardline-Session"))) {
 *     ... reads wait for the message's commits; calls to other services carry the token ...
 * }
 * }</pre>
 *
 * <p>Scopes opened with {@code ShardlineSession.begin} directly work for the reads but are not seen
 * by the interceptors: the driver has no accessor for the thread's current scope (yet).
 */
public final class SessionScopes {

    private static final Logger LOG = LoggerFactory.getLogger(SessionScopes.class);

    private static final ThreadLocal<Tracked> CURRENT = new ThreadLocal<>();

    private static final SessionTokenContext CONTEXT = new SessionTokenContext() {
        @Override
        public String currentToken() {
            return SessionScopes.currentToken();
        }

        @Override
        public void merge(String token) {
            SessionScopes.merge(token);
        }

        @Override
        public String toString() {
            return "SessionScopes.context()";
        }
    };

    private SessionScopes() {
    }

    /**
     * Opens a read-your-writes scope on this thread ({@link ShardlineSession#begin(String)}) and
     * makes it the one the interceptors read until it is closed.
     *
     * @param token a session token (null or empty: none)
     * @throws SQLException if the token is malformed (SQLState 22023)
     */
    public static ShardlineSession.Scope begin(String token) throws SQLException {
        ShardlineSession.Scope scope = ShardlineSession.begin(token);
        Tracked t = new Tracked(scope, CURRENT.get());
        CURRENT.set(t);
        return t;
    }

    /** The token of this thread's innermost scope opened here, or null (no scope, or an empty token). */
    public static String currentToken() {
        Tracked t = CURRENT.get();
        if (t == null) return null;
        String token = t.token();
        return token == null || token.isEmpty() ? null : token;
    }

    /** True if a scope opened here is open on this thread. */
    public static boolean inScope() {
        return CURRENT.get() != null;
    }

    /**
     * Adds the commits named by {@code token} to this thread's innermost open scope (no-op without
     * one; a malformed token is logged and ignored). Done with the driver's nesting rule: a scope
     * begun with the token inside the current one and closed at once hands its commits to it.
     */
    public static void merge(String token) {
        if (token == null || token.isBlank() || CURRENT.get() == null) return;
        try {
            ShardlineSession.begin(token).close();
        } catch (SQLException e) {
            LOG.debug("ignoring a malformed Shardline session token: {}", e.getMessage());
        }
    }

    /** {@link #currentToken()} and {@link #merge(String)} as a {@link SessionTokenContext}. */
    public static SessionTokenContext context() {
        return CONTEXT;
    }

    /** A driver scope, and the one it nests in. */
    private static final class Tracked implements ShardlineSession.Scope {
        private final ShardlineSession.Scope scope;
        private final Tracked outer;
        private boolean closed;

        Tracked(ShardlineSession.Scope scope, Tracked outer) {
            this.scope = scope;
            this.outer = outer;
        }

        @Override
        public String token() {
            return scope.token();
        }

        @Override
        public void close() {
            if (closed) return;
            scope.close(); // throws (and stays open) on another thread
            closed = true;
            if (CURRENT.get() == this) {
                if (outer == null) CURRENT.remove();
                else CURRENT.set(outer);
            }
        }
    }
}
