package io.shardline.spring.session;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The filter alone, with mock requests (no database: tokens are only resumed and echoed). */
class ShardlineSessionFilterTest {

    final ShardlineSessionFilter filter = new ShardlineSessionFilter("Shardline-Session");

    @Test
    void theRequestRunsInAScopeResumedFromItsHeaderAndTheResponseCarriesTheToken() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/x");
        request.addHeader("Shardline-Session", "main:42,other:7");
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicReference<String> seen = new AtomicReference<>();
        filter.doFilter(request, response, new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
            @Override
            protected void service(jakarta.servlet.http.HttpServletRequest req, HttpServletResponse res) {
                seen.set(SessionScopes.currentToken());
            }
        }));
        assertThat(seen.get()).isEqualTo("main:42,other:7");
        assertThat(response.getHeader("Shardline-Session")).isEqualTo("main:42,other:7");
        assertThat(SessionScopes.inScope()).as("the scope is closed after the request").isFalse();
    }

    @Test
    void theHeaderIsSetBeforeTheBodyCommitsTheResponse() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/x");
        request.addHeader("Shardline-Session", "main:5");
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicReference<String> headerAtCommit = new AtomicReference<>();
        filter.doFilter(request, response, new MockFilterChain(new jakarta.servlet.http.HttpServlet() {
            @Override
            protected void service(jakarta.servlet.http.HttpServletRequest req, HttpServletResponse res) throws java.io.IOException {
                res.getWriter().print("body");
                res.flushBuffer(); // commits
                headerAtCommit.set(response.getHeader("Shardline-Session"));
            }
        }));
        assertThat(response.isCommitted()).isTrue();
        assertThat(headerAtCommit.get()).isEqualTo("main:5");
        assertThat(response.getContentAsString()).isEqualTo("body");
    }

    @Test
    void noTokenNoHeader() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter.doFilter(new MockHttpServletRequest("GET", "/x"), response, new MockFilterChain());
        assertThat(response.getHeader("Shardline-Session")).isNull();
        assertThat(SessionScopes.inScope()).isFalse();
    }

    @Test
    void aMalformedTokenIsRefusedWith400() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/x");
        request.addHeader("Shardline-Session", "main:notanumber");
        MockHttpServletResponse response = new MockHttpServletResponse();
        MockFilterChain chain = new MockFilterChain();
        filter.doFilter(request, response, chain);
        assertThat(response.getStatus()).isEqualTo(400);
        assertThat(chain.getRequest()).as("the handler did not run").isNull();
        assertThat(SessionScopes.inScope()).isFalse();
    }

    @Test
    void scopesNestAndMergeHandsATokenToTheEnclosingScope() throws Exception {
        try (var outer = SessionScopes.begin("main:3")) {
            assertThat(SessionScopes.currentToken()).isEqualTo("main:3");
            try (var inner = SessionScopes.begin("main:9")) {
                assertThat(SessionScopes.currentToken()).isEqualTo("main:9");
            }
            assertThat(SessionScopes.currentToken()).as("the inner scope's positions reach the outer one").isEqualTo("main:9");
            SessionScopes.merge("main:12,s1:4");
            SessionScopes.merge("garbage"); // ignored
            assertThat(outer.token()).isEqualTo("main:12,s1:4");
        }
        assertThat(SessionScopes.currentToken()).isNull();
        SessionScopes.merge("main:1"); // no scope: no-op
        assertThat(SessionScopes.inScope()).isFalse();
    }
}
