package dev.supervisor.management.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supervisor.management.http.AuthThrottle;
import dev.supervisor.management.http.CrossSiteCheck;
import dev.supervisor.management.http.HttpLimits;
import dev.supervisor.management.http.JsonShape;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.Semaphore;

/**
 * The first filter of the hawtio webapp: what every request to the console passes before hawtio sees it, in order:
 * <ol>
 *   <li>cross-site: a login, exec or write from another origin's page gets 403 ({@link CrossSiteCheck});</li>
 *   <li>size: a body over the limit (the login's is smaller) gets 413 before it is buffered;</li>
 *   <li>load: at most {@code concurrentBodies} bodies are buffered at once, others get 503;</li>
 *   <li>shape: JSON nested too deep or too large gets 400 before a parser sees it;</li>
 *   <li>logins (the login form, or basic auth on {@code /jolokia}): throttled per source and user, failures logged
 *       with the source address ({@link AuthThrottle}).</li>
 * </ol>
 */
public final class ConsoleRequestGuard implements Filter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpLimits limits;
    private final AuthThrottle throttle;
    private final Semaphore bodies;
    /** One bulk request of more than {@link HttpLimits#LARGE_BULK} entries at a time: answers add up. */
    private final Semaphore largeBulks = new Semaphore(1);

    public ConsoleRequestGuard(HttpLimits limits, AuthThrottle throttle) {
        this.limits = limits;
        this.throttle = throttle;
        this.bodies = new Semaphore(limits.concurrentBodies());
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        boolean login = path.equals("/auth/login");
        if (acts(request, path)) {
            Optional<String> crossSite = CrossSiteCheck.refusal(new CrossSiteCheck.Request(request.getMethod(),
                    request.getContentType(), request.getHeader("Origin"), request.getHeader("Sec-Fetch-Site"),
                    request.getHeader("Referer"), request.getHeader("Host")));
            if (crossSite.isPresent()) {
                refuse(response, 403, "CrossSiteRequest", crossSite.get());
                return;
            }
        }
        if (!"POST".equalsIgnoreCase(request.getMethod()) && !"PUT".equalsIgnoreCase(request.getMethod())) {
            checkLogin(request, response, chain, basicUser(request));
            return;
        }
        int max = login ? limits.maxLoginBodyBytes() : limits.maxBodyBytes();
        long declared = request.getContentLengthLong();
        if (declared > max) {
            tooLarge(response, declared + " bytes", max);
            return;
        }
        if (!bodies.tryAcquire()) {
            response.setHeader("Retry-After", "1");
            refuse(response, 503, "Overloaded", "the console is busy with other requests; retry in a moment");
            return;
        }
        try {
            byte[] body = HttpLimits.readAtMost(request.getInputStream(), max);
            if (body == null) {
                tooLarge(response, "more than " + max + " bytes", max);
                return;
            }
            Optional<String> shape = JsonShape.problem(body, body.length, limits.maxJsonDepth(), limits.maxJsonValues(),
                    limits.maxBulk());
            if (shape.isPresent()) {
                refuse(response, 400, "BadRequest", shape.get());
                return;
            }
            HttpServletRequest buffered = new BufferedBody(request, body);
            boolean large = JsonShape.bulkSize(body, body.length) > HttpLimits.LARGE_BULK;
            if (large && !largeBulks.tryAcquire()) {
                response.setHeader("Retry-After", "1");
                refuse(response, 503, "Overloaded", "another large bulk request is running; retry in a moment");
                return;
            }
            try {
                checkLogin(buffered, response, chain, login ? loginUser(body) : basicUser(request));
            } finally {
                if (large) {
                    largeBulks.release();
                }
            }
        } finally {
            bodies.release();
        }
    }

    /** Runs the request, throttling and recording it when it carries a password (user non-null). */
    private void checkLogin(HttpServletRequest request, HttpServletResponse response, FilterChain chain, String user)
            throws IOException, ServletException {
        if (user == null) {
            chain.doFilter(request, response);
            return;
        }
        String source = request.getRemoteAddr();
        Optional<Duration> locked = throttle.lockedFor(source, user);
        if (locked.isPresent()) {
            response.setHeader("Retry-After", Long.toString(locked.get().toSeconds() + 1));
            refuse(response, 429, "TooManyFailures", "too many failed logins from " + source + "; retry in "
                    + (locked.get().toSeconds() + 1) + " s");
            return;
        }
        chain.doFilter(request, response);
        int status = response.getStatus();
        if (status == 401 || status == 403) {
            throttle.failed("console", source, user);
        } else if (status < 400) {
            throttle.succeeded(source, user);
        }
    }

    /** A login, or an exec or write by GET on hawtio's Jolokia, or anything else that is not a GET. */
    private static boolean acts(HttpServletRequest request, String path) {
        String method = request.getMethod();
        if ("OPTIONS".equalsIgnoreCase(method) || "HEAD".equalsIgnoreCase(method)) {
            return false;
        }
        if (!"GET".equalsIgnoreCase(method)) {
            return true;
        }
        if (!path.startsWith("/jolokia")) {
            return false;
        }
        String rest = path.substring("/jolokia".length());
        String p = request.getParameter("p");
        if (p != null) {
            rest = p;
        }
        String command = rest.replaceFirst("^/+", "").split("/", 2)[0].toLowerCase(java.util.Locale.ROOT);
        return !command.isEmpty() && !command.equals("read") && !command.equals("list")
                && !command.equals("search") && !command.equals("version");
    }

    private static String loginUser(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode user = node == null ? null : node.get("username");
            return user == null ? "" : user.asText();
        } catch (IOException e) {
            return "";
        }
    }

    private static String basicUser(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? decoded : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static void tooLarge(HttpServletResponse response, String size, int max) throws IOException {
        refuse(response, 413, "RequestTooLarge", "request body of " + size + " exceeds the limit of " + max
                + " bytes (limit: -D" + HttpLimits.PREFIX + "maxBody, -D" + HttpLimits.PREFIX + "maxLoginBody)");
    }

    private static void refuse(HttpServletResponse response, int status, String type, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json;charset=utf-8");
        response.setHeader("Connection", "close");
        String json = JSON.createObjectNode().put("status", status).put("error_type", type).put("error", message)
                .toString();
        response.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The request with its body already read, replayed to hawtio. */
    private static final class BufferedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body is already read");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            java.nio.charset.Charset charset = StandardCharsets.UTF_8;
            try {
                if (getCharacterEncoding() != null) {
                    charset = java.nio.charset.Charset.forName(getCharacterEncoding());
                }
            } catch (IllegalArgumentException e) {
                // an unknown charset in the request: read it as UTF-8, as JSON is
            }
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
