package io.shardline.spring.session;

/**
 * Where the outgoing-call interceptors find the current thread's read-your-writes token and hand
 * back the tokens that downstream services return. The default ({@link SessionScopes#context()})
 * reads the scopes opened through {@link SessionScopes} — by the servlet filter, or by the
 * application for work that does not start with an HTTP request; a context bean of this type
 * replaces it.
 */
public interface SessionTokenContext {

    /** The current thread's session token, or null if there is none (no scope, or nothing to wait for). */
    String currentToken();

    /**
     * Adds the commits named by {@code token} (e.g. returned by a service this thread called) to
     * the current thread's scope, if one is open, so that the thread's later reads and the token
     * it hands on include them. Malformed tokens are ignored.
     */
    void merge(String token);
}
