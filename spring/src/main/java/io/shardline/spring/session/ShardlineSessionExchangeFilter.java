package io.shardline.spring.session;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * For {@code WebClient}: sends a read-your-writes token in the session header of every outgoing
 * request (unless it already has one). The token is the one in the Reactor context under
 * {@link #CONTEXT_KEY}, if any, else the token of the thread that subscribes
 * ({@link SessionTokenContext#currentToken()}): the request thread when a servlet application
 * calls {@code block()}, or subscribes on it.
 *
 * <p>Unlike {@link ShardlineSessionClientInterceptor} it does not merge the token the called
 * service returns: the response arrives on another thread. Read the header from the response and
 * call {@link SessionScopes#merge(String)} on the request thread if later reads need the called
 * service's commits.
 */
public class ShardlineSessionExchangeFilter implements ExchangeFilterFunction {

    /** Reactor context key of a token to send (a {@code String}), for reactive call chains. */
    public static final String CONTEXT_KEY = ShardlineSessionExchangeFilter.class.getName() + ".token";

    private final String header;
    private final SessionTokenContext context;

    /** The default header and {@link SessionScopes#context()}. */
    public ShardlineSessionExchangeFilter() {
        this(ShardlineSessionClientInterceptor.DEFAULT_HEADER, SessionScopes.context());
    }

    public ShardlineSessionExchangeFilter(String header, SessionTokenContext context) {
        this.header = header;
        this.context = context;
    }

    @Override
    public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
        if (request.headers().containsKey(header)) return next.exchange(request);
        String threadToken = context.currentToken(); // on the subscribing thread
        return Mono.deferContextual(ctx -> {
            String token = ctx.getOrDefault(CONTEXT_KEY, threadToken);
            if (token == null || token.isEmpty()) return next.exchange(request);
            return next.exchange(ClientRequest.from(request).header(header, token).build());
        });
    }
}
