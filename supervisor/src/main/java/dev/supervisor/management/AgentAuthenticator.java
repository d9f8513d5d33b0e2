package dev.supervisor.management;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpPrincipal;
import dev.supervisor.management.http.AuthThrottle;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.security.auth.Subject;

/**
 * Basic authentication of the Jolokia agent and the metrics endpoint against the credentials file: the admin and the
 * viewer. {@link PasswordCheck} throttles failures and logs them with the client's address. On success the request runs as a subject
 * with the user's role ({@link #subjectOf}): Jolokia runs a request as the subject in {@value #JOLOKIA_SUBJECT},
 * and {@link RoleRestrictor} reads it.
 */
final class AgentAuthenticator extends Authenticator {
    static final String JOLOKIA_SUBJECT = "org.jolokia.jaasSubject";
    static final String REALM = "supervisor";

    private final PasswordCheck check;

    AgentAuthenticator(CredentialsFile credentials, AuthThrottle throttle) {
        this("Jolokia", credentials, throttle);
    }

    /** @param endpoint how failures name this endpoint in the log */
    AgentAuthenticator(String endpoint, CredentialsFile credentials, AuthThrottle throttle) {
        this.check = new PasswordCheck(endpoint, credentials, throttle);
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
            check.malformed(source);
            return challenge(exchange);
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        String password = colon < 0 ? "" : decoded.substring(colon + 1);
        PasswordCheck.Verdict verdict = check.check(source, user, password);
        if (verdict instanceof PasswordCheck.Granted granted) {
            // The role travels in the principal's realm: exchange attributes are shared by a context's requests.
            return new Success(new HttpPrincipal(user, granted.role()));
        }
        if (verdict instanceof PasswordCheck.Locked locked) {
            exchange.getResponseHeaders().set("Retry-After", Long.toString(Math.max(1, locked.left().toSeconds() + 1)));
            return new Failure(429);
        }
        return challenge(exchange);
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
