package dev.supervisor.management;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import dev.supervisor.management.http.AuthThrottle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.security.auth.Subject;

/**
 * Basic authentication of the Jolokia agent against the credentials file: the admin and the viewer. Failures are
 * throttled and logged with the client's address ({@link AuthThrottle}). On success the request runs as a subject
 * with the user's role ({@link #subjectOf}): Jolokia runs a request as the subject in {@value #JOLOKIA_SUBJECT},
 * and {@link RoleRestrictor} reads it.
 */
final class AgentAuthenticator extends Authenticator {
    static final String JOLOKIA_SUBJECT = "org.jolokia.jaasSubject";
    static final String REALM = "supervisor";

    private final CredentialsFile credentials;
    private final AuthThrottle throttle;

    AgentAuthenticator(CredentialsFile credentials, AuthThrottle throttle) {
        this.credentials = credentials;
        this.throttle = throttle;
    }

    @Override
    public Result authenticate(HttpExchange exchange) {
        String source = exchange.getRemoteAddress().getAddress().getHostAddress();
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return challenge(exchange);
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throttle.failed("Jolokia", source, "");
            return challenge(exchange);
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        String password = colon < 0 ? "" : decoded.substring(colon + 1);
        Optional<Duration> locked = throttle.lockedFor(source, user);
        if (locked.isPresent()) {
            exchange.getResponseHeaders().set("Retry-After", Long.toString(Math.max(1, locked.get().toSeconds() + 1)));
            return new Failure(429);
        }
        Optional<String> role = credentials.current().roleOf(user, password);
        if (role.isEmpty()) {
            throttle.failed("Jolokia", source, user);
            return challenge(exchange);
        }
        throttle.succeeded(source, user);
        // The role travels in the principal's realm: exchange attributes are shared by a context's requests.
        return new Success(new HttpPrincipal(user, role.get()));
    }

    /** The subject to run a request as, from the principal {@link #authenticate} gave it; null if none. */
    static Subject subjectOf(HttpPrincipal principal) {
        if (principal == null) {
            return null;
        }
        Subject subject = SubjectRoles.subjectFor(principal.getUsername(), principal.getRealm());
        subject.setReadOnly();
        return subject;
    }

    private static Result challenge(HttpExchange exchange) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
        return new Retry(401);
    }
}
