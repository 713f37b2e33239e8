package io.shardline.spring.session;

import java.io.IOException;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * For {@code RestClient} and {@code RestTemplate}: sends the current thread's read-your-writes
 * token ({@link SessionTokenContext#currentToken()}) in the session header of every outgoing
 * request (unless the request already has one), so that the called service's reads see this
 * thread's commits and the ones it was called with; and merges the token the called service
 * returns (its own commits) back into the thread's scope. The starter adds it to the builders Boot
 * auto-configures ({@code shardline.session.propagate}); for a client built by hand:
 *
 * <pre>{@code
 * RestClient client = RestClient.builder().requestInterceptor(new ShardlineSessionClientInterceptor()).build();
 * }</pre>
 */
public class ShardlineSessionClientInterceptor implements ClientHttpRequestInterceptor {

    /** The default header, {@code Shardline-Session}. */
    public static final String DEFAULT_HEADER = "Shardline-Session";

    private final String header;
    private final SessionTokenContext context;

    /** The default header and {@link SessionScopes#context()}. */
    public ShardlineSessionClientInterceptor() {
        this(DEFAULT_HEADER, SessionScopes.context());
    }

    public ShardlineSessionClientInterceptor(String header, SessionTokenContext context) {
        this.header = header;
        this.context = context;
    }

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        String token = context.currentToken();
        if (token != null && !token.isEmpty() && !request.getHeaders().containsKey(header)) {
            request.getHeaders().set(header, token);
        }
        ClientHttpResponse response = execution.execute(request, body);
        String returned = response.getHeaders().getFirst(header);
        if (returned != null && !returned.isEmpty()) context.merge(returned);
        return response;
    }
}
