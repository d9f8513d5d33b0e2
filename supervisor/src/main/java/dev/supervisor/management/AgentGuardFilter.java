package dev.supervisor.management;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.supervisor.management.http.CrossSiteCheck;
import dev.supervisor.management.http.HttpLimits;
import dev.supervisor.management.http.JsonShape;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.security.auth.Subject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.BooleanSupplier;

/**
 * What every request to the Jolokia agent passes before authentication and Jolokia see it, in order:
 * <ol>
 *   <li>overload: a request that found the executor's queue full gets 503 at once;</li>
 *   <li>cross-site: an exec or write from another origin's page gets 403 ({@link CrossSiteCheck});</li>
 *   <li>size: a body over the limit gets 413 before it is buffered;</li>
 *   <li>shape: JSON nested too deep, too large, or a bulk of too many requests gets 400 before Jolokia's parser
 *       sees it;</li>
 *   <li>load: one large bulk request at a time, others get 503.</li>
 * </ol>
 * Then, after authentication, {@link #checked} makes sure a client's mistake is a 400 that says what is wrong.
 * Every refusal is a JSON answer in Jolokia's form, so scripts and the CLI show the message.
 */
final class AgentGuardFilter extends Filter {
    private final HttpLimits limits;
    private final BooleanSupplier overloaded;
    private final Semaphore largeBulks = new Semaphore(1);

    AgentGuardFilter(HttpLimits limits, BooleanSupplier overloaded) {
        this.limits = limits;
        this.overloaded = overloaded;
    }

    @Override
    public String description() {
        return "supervisor request guard: overload, cross-site, size and JSON shape";
    }

    @Override
    public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
        if (overloaded.getAsBoolean()) {
            exchange.getResponseHeaders().set("Retry-After", "1");
            refuse(exchange, 503, "Overloaded", "the daemon is busy with other requests; retry in a moment");
            return;
        }
        String method = exchange.getRequestMethod();
        if (acts(exchange)) {
            var headers = exchange.getRequestHeaders();
            Optional<String> crossSite = CrossSiteCheck.refusal(new CrossSiteCheck.Request(method,
                    headers.getFirst("Content-Type"), headers.getFirst("Origin"), headers.getFirst("Sec-Fetch-Site"),
                    headers.getFirst("Referer"), headers.getFirst("Host")));
            if (crossSite.isPresent()) {
                refuse(exchange, 403, "CrossSiteRequest", crossSite.get());
                return;
            }
        }
        if ("POST".equalsIgnoreCase(method)) {
            byte[] body = readBody(exchange);
            if (body == null) {
                return;
            }
            Optional<String> shape = JsonShape.problem(body, body.length, limits.maxJsonDepth(), limits.maxJsonValues(),
                    limits.maxBulk());
            if (shape.isPresent()) {
                refuse(exchange, 400, "BadRequest", shape.get());
                return;
            }
            exchange.setStreams(new ByteArrayInputStream(body), null);
            if (JsonShape.bulkSize(body, body.length) > HttpLimits.LARGE_BULK) {
                if (!largeBulks.tryAcquire()) {
                    exchange.getResponseHeaders().set("Retry-After", "1");
                    refuse(exchange, 503, "Overloaded", "another large bulk request is running; retry in a moment");
                    return;
                }
                try {
                    chain.doFilter(exchange);
                } finally {
                    largeBulks.release();
                }
                return;
            }
        }
        chain.doFilter(exchange);
    }

    /**
     * Jolokia's handler, behind authentication (which runs after the filters): a request that makes no sense gets a
     * 400 naming what is wrong ({@link JolokiaRequestCheck}), and Jolokia's answers pass {@link ClientErrors}.
     * Only an authenticated user learns which operations an MBean has.
     */
    static HttpHandler checked(HttpHandler jolokia, AccessRules rules) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        JolokiaRequestCheck check = new JolokiaRequestCheck(server);
        return exchange -> {
            // Exchange attributes live in the context on this JDK, shared by concurrent requests: the subject goes
            // to Jolokia through our own exchange, from this request's principal.
            Subject subject = AgentAuthenticator.subjectOf(exchange.getPrincipal());
            byte[] body = null;
            Optional<String> problem = Optional.empty();
            if ("POST".equalsIgnoreCase(exchange.getRequestMethod())) {
                body = exchange.getRequestBody().readAllBytes(); // already buffered and bounded by the filter
                problem = check.checkBody(body, (name, op) -> rules.mayInvoke(subject, name, op));
            } else if ("GET".equalsIgnoreCase(exchange.getRequestMethod())) {
                problem = check.checkPath(commandPath(exchange), (name, op) -> rules.mayInvoke(subject, name, op));
            }
            if (problem.isPresent()) {
                refuse(exchange, 400, "BadRequest", problem.get());
                return;
            }
            jolokia.handle(new ClientErrorExchange(exchange, server, subject, body));
        };
    }

    /** The body, or null after answering 413. */
    private byte[] readBody(HttpExchange exchange) throws IOException {
        int max = limits.maxBodyBytes();
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                long declared = Long.parseLong(length.trim());
                if (declared > max) {
                    tooLarge(exchange, declared + " bytes", max);
                    return null;
                }
            } catch (NumberFormatException e) {
                refuse(exchange, 400, "BadRequest", "Content-Length '" + length + "' is not a number");
                return null;
            }
        }
        byte[] body = HttpLimits.readAtMost(exchange.getRequestBody(), max);
        if (body == null) {
            tooLarge(exchange, "more than " + max + " bytes", max);
        }
        return body;
    }

    private void tooLarge(HttpExchange exchange, String size, int max) throws IOException {
        refuse(exchange, 413, "RequestTooLarge", "request body of " + size + " exceeds the limit of " + max
                + " bytes; split a bulk request (limit: -D" + HttpLimits.PREFIX + "maxBody)");
    }

    /** An exec or write by GET (path or {@code ?p=}), or any POST: the requests a foreign page must not make. */
    private static boolean acts(HttpExchange exchange) {
        if (!"GET".equalsIgnoreCase(exchange.getRequestMethod())) {
            return !"OPTIONS".equalsIgnoreCase(exchange.getRequestMethod());
        }
        String rest = commandPath(exchange);
        String command = rest.replaceFirst("^/+", "").split("/", 2)[0].toLowerCase(java.util.Locale.ROOT);
        return !command.equals("read") && !command.equals("list") && !command.equals("search")
                && !command.equals("version") && !command.isEmpty();
    }

    /** The Jolokia path of a GET: after the agent's context, or in {@code ?p=}. */
    private static String commandPath(HttpExchange exchange) {
        String context = exchange.getHttpContext().getPath();
        String path = exchange.getRequestURI().getRawPath();
        String rest = path.length() > context.length() ? path.substring(context.length()) : "";
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            for (String param : query.split("&")) {
                if (param.startsWith("p=")) {
                    rest = URLDecoder.decode(param.substring(2), StandardCharsets.UTF_8);
                }
            }
        }
        return rest;
    }

    static void refuse(HttpExchange exchange, int status, String type, String message) throws IOException {
        String json = "{\"status\":" + status + ",\"error_type\":\"" + type + "\",\"error\":\"" + escape(message) + "\"}";
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Connection", "close");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
