package dev.supervisor.management;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import javax.management.MBeanServer;
import javax.security.auth.Subject;

/**
 * The exchange Jolokia writes its answer to: answers up to {@value #HOLD} bytes are held until complete and passed
 * through {@link ClientErrors#rewrite}; larger ones stream through untouched. The bound is large enough for a bulk
 * request that mixes an error with {@code list}s of our self-describing MBeans (hundreds of KB each), and small
 * enough that the agent's few workers (and its one large bulk at a time) hold a few MB of heap at most.
 */
final class ClientErrorExchange extends HttpExchange {
    private static final int HOLD = 4 * 1024 * 1024;

    private final HttpExchange exchange;
    private final MBeanServer server;
    private final Subject subject;
    private final byte[] requestBody;
    private int status = -1;
    private long length;
    private final Holding body = new Holding();

    /**
     * @param subject     the authenticated user Jolokia runs the request as (its {@value AgentAuthenticator#JOLOKIA_SUBJECT})
     * @param requestBody the body already read, or null to read the exchange's
     */
    ClientErrorExchange(HttpExchange exchange, MBeanServer server, Subject subject, byte[] requestBody) {
        this.exchange = exchange;
        this.server = server;
        this.subject = subject;
        this.requestBody = requestBody;
    }

    @Override
    public void sendResponseHeaders(int code, long responseLength) {
        this.status = code;
        this.length = responseLength;
    }

    @Override
    public OutputStream getResponseBody() {
        return body;
    }

    @Override
    public int getResponseCode() {
        return status;
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException e) {
            // the client went away
        }
        exchange.close();
    }

    private final class Holding extends OutputStream {
        private ByteArrayOutputStream held = new ByteArrayOutputStream();
        private OutputStream through;
        private boolean closed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (through == null && held.size() + len > HOLD) {
                exchange.sendResponseHeaders(status, length);
                through = exchange.getResponseBody();
                held.writeTo(through);
                held = null;
            }
            if (through != null) {
                through.write(b, off, len);
            } else {
                held.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            if (through != null) {
                through.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (through != null) {
                through.close();
                return;
            }
            if (status < 0) {
                return;
            }
            Headers headers = exchange.getResponseHeaders();
            ClientErrors.Answer answer = ClientErrors.rewrite(status, headers.getFirst("Content-Type"),
                    held.toByteArray(), server);
            if (answer.contentType() != null) {
                headers.set("Content-Type", answer.contentType());
            }
            boolean noBody = length < 0 && answer.body().length == 0;
            exchange.sendResponseHeaders(answer.status(), noBody ? -1 : answer.body().length == 0 ? -1 : answer.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer.body());
            }
        }
    }

    // ---- the rest is the exchange's own ----

    @Override
    public Headers getRequestHeaders() {
        return exchange.getRequestHeaders();
    }

    @Override
    public Headers getResponseHeaders() {
        return exchange.getResponseHeaders();
    }

    @Override
    public URI getRequestURI() {
        return exchange.getRequestURI();
    }

    @Override
    public String getRequestMethod() {
        return exchange.getRequestMethod();
    }

    @Override
    public HttpContext getHttpContext() {
        return exchange.getHttpContext();
    }

    @Override
    public InputStream getRequestBody() {
        return requestBody == null ? exchange.getRequestBody() : new java.io.ByteArrayInputStream(requestBody);
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
        return exchange.getRemoteAddress();
    }

    @Override
    public InetSocketAddress getLocalAddress() {
        return exchange.getLocalAddress();
    }

    @Override
    public String getProtocol() {
        return exchange.getProtocol();
    }

    /** Per request, never the JDK's attribute map (shared by every request of the context on JDK 17). */
    private final java.util.Map<String, Object> attributes = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public Object getAttribute(String name) {
        if (AgentAuthenticator.JOLOKIA_SUBJECT.equals(name)) {
            return subject;
        }
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
    }

    @Override
    public void setStreams(InputStream i, OutputStream o) {
        exchange.setStreams(i, o);
    }

    @Override
    public HttpPrincipal getPrincipal() {
        return exchange.getPrincipal();
    }
}
