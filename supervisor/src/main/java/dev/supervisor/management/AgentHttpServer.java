package dev.supervisor.management;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.supervisor.management.http.HttpLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JDK HTTP server under the Jolokia agent, made ours so that every context Jolokia creates on it gets our
 * authenticator and {@link AgentGuardFilter}, and requests run on a bounded pool:
 * {@code agentThreads} workers and a queue of {@code agentQueue}. A request that finds the queue full runs on one
 * spare thread that only answers 503 (the filter sees {@link #overloaded()}); when even that one is backed up,
 * the connection is closed. No burst of requests grows threads or memory without bound.
 */
final class AgentHttpServer extends HttpServer {
    private final HttpServer server;
    private final Authenticator authenticator;
    private final AccessRules rules;
    private final Filter guard;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor refusals;
    private final ThreadLocal<Boolean> refusing = ThreadLocal.withInitial(() -> false);

    AgentHttpServer(InetSocketAddress address, HttpLimits limits, Authenticator authenticator, AccessRules rules)
            throws IOException {
        this.server = HttpServer.create(address, 64);
        this.authenticator = authenticator;
        this.rules = rules;
        this.guard = new AgentGuardFilter(limits, this::overloaded);
        this.refusals = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(limits.agentQueue()),
                threads("jolokia-busy-"), new ThreadPoolExecutor.AbortPolicy());
        // Idle workers end after 10 s: a CLI session reuses them, an idle daemon holds none.
        this.workers = new ThreadPoolExecutor(limits.agentThreads(), limits.agentThreads(), 10, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.agentQueue()), threads("jolokia-"),
                (task, pool) -> refusals.execute(() -> {
                    refusing.set(true);
                    try {
                        task.run();
                    } finally {
                        refusing.remove();
                    }
                }));
        workers.allowCoreThreadTimeOut(true);
        server.setExecutor(workers);
    }

    boolean overloaded() {
        return refusing.get();
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public HttpContext createContext(String path, HttpHandler handler) {
        return guarded(server.createContext(path, AgentGuardFilter.checked(handler, rules)));
    }

    @Override
    public HttpContext createContext(String path) {
        return guarded(server.createContext(path));
    }

    private HttpContext guarded(HttpContext context) {
        context.setAuthenticator(authenticator);
        context.getFilters().add(guard);
        return context;
    }

    @Override
    public void bind(InetSocketAddress addr, int backlog) throws IOException {
        server.bind(addr, backlog);
    }

    @Override
    public void start() {
        server.start();
    }

    @Override
    public void setExecutor(Executor executor) {
        // The bounded pool is the point: Jolokia's "executor" setting does not apply to a server given to it.
    }

    @Override
    public Executor getExecutor() {
        return server.getExecutor();
    }

    @Override
    public void stop(int delay) {
        server.stop(delay);
        workers.shutdownNow();
        refusals.shutdownNow();
    }

    @Override
    public void removeContext(String path) {
        server.removeContext(path);
    }

    @Override
    public void removeContext(HttpContext context) {
        server.removeContext(context);
    }

    @Override
    public InetSocketAddress getAddress() {
        return server.getAddress();
    }
}
