package io.shardline.spring.session;

import io.shardline.driver.ShardlineSession;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.sql.SQLException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Read-your-writes across requests and services: each request runs in a Shardline session scope
 * ({@link SessionScopes#begin(String)}) resumed from its session header (default
 * {@code Shardline-Session}), so its reads wait for the commits the caller has seen; the response
 * carries the scope's token (the caller's commits plus this request's) in the same header, for the
 * caller to send with its next request or pass to the next service.
 *
 * <p>The header must be set before the response is committed, and the token should include every
 * commit of the request. The response is therefore wrapped: the header is (re)set just before the
 * first byte of the body is written or flushed, before {@code sendError}/{@code sendRedirect}, and
 * once more when the handler returns with the response still uncommitted. A commit made after the
 * body started streaming cannot be in the header any more (nothing can): stream after the writes.
 *
 * <p>Synchronous requests only: the scope is the thread's, so work handed to another thread
 * (asynchronous servlet requests, {@code @Async}) does not run in it. A malformed token is refused
 * with 400 Bad Request.
 */
public class ShardlineSessionFilter extends OncePerRequestFilter {

    private final String header;

    public ShardlineSessionFilter(String header) {
        this.header = header;
    }

    /** The header this filter reads and writes. */
    public String getHeader() {
        return header;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ShardlineSession.Scope scope;
        try {
            scope = SessionScopes.begin(request.getHeader(header));
        } catch (SQLException e) {
            response.sendError(HttpServletResponse.SC_BAD_REQUEST, "malformed " + header + " header: " + e.getMessage());
            return;
        }
        TokenResponse wrapped = new TokenResponse(response, header, scope);
        try {
            chain.doFilter(request, wrapped);
        } finally {
            try {
                wrapped.writeToken();
            } finally {
                scope.close();
            }
        }
    }

    /** Sets the token header on the real response before anything commits it. */
    static final class TokenResponse extends HttpServletResponseWrapper {
        private final String header;
        private final ShardlineSession.Scope scope;
        private ServletOutputStream out;
        private PrintWriter writer;
        /** True once the header was set for the first body write (later writes need not repeat it). */
        private boolean written;

        TokenResponse(HttpServletResponse response, String header, ShardlineSession.Scope scope) {
            super(response);
            this.header = header;
            this.scope = scope;
        }

        /** (Re)sets the header if the response is not committed yet. */
        void writeToken() {
            HttpServletResponse r = (HttpServletResponse) getResponse();
            if (r.isCommitted()) return;
            String token = scope.token();
            if (token != null && !token.isEmpty()) r.setHeader(header, token);
        }

        private void beforeFirstWrite() {
            if (written) return;
            written = true;
            writeToken();
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (out == null) out = new TokenOutputStream(super.getOutputStream(), this);
            return out;
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            if (writer == null) writer = new TokenWriter(super.getWriter(), this);
            return writer;
        }

        @Override
        public void flushBuffer() throws IOException {
            writeToken();
            super.flushBuffer();
        }

        @Override
        public void sendError(int sc, String msg) throws IOException {
            writeToken();
            super.sendError(sc, msg);
        }

        @Override
        public void sendError(int sc) throws IOException {
            writeToken();
            super.sendError(sc);
        }

        @Override
        public void sendRedirect(String location) throws IOException {
            writeToken();
            super.sendRedirect(location);
        }

    }

    private static final class TokenOutputStream extends ServletOutputStream {
        private final ServletOutputStream delegate;
        private final TokenResponse response;

        TokenOutputStream(ServletOutputStream delegate, TokenResponse response) {
            this.delegate = delegate;
            this.response = response;
        }

        @Override
        public void write(int b) throws IOException {
            response.beforeFirstWrite();
            delegate.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            response.beforeFirstWrite();
            delegate.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            response.writeToken();
            delegate.flush();
        }

        @Override
        public void close() throws IOException {
            response.writeToken();
            delegate.close();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            delegate.setWriteListener(listener);
        }
    }

    /** The response's writer, setting the header before its first character. */
    private static final class TokenWriter extends PrintWriter {
        private final PrintWriter delegate;
        private final TokenResponse response;

        TokenWriter(PrintWriter delegate, TokenResponse response) {
            super(delegate, false);
            this.delegate = delegate;
            this.response = response;
        }

        @Override
        public void write(int c) {
            response.beforeFirstWrite();
            super.write(c);
        }

        @Override
        public void write(char[] buf, int off, int len) {
            response.beforeFirstWrite();
            super.write(buf, off, len);
        }

        @Override
        public void write(String s, int off, int len) {
            response.beforeFirstWrite();
            super.write(s, off, len);
        }

        @Override
        public void flush() {
            response.writeToken();
            super.flush();
        }

        @Override
        public void close() {
            response.writeToken();
            super.close();
        }

        @Override
        public boolean checkError() {
            return super.checkError() || delegate.checkError();
        }
    }
}
