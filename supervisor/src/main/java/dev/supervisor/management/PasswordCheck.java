package dev.supervisor.management;

import dev.supervisor.management.http.AuthThrottle;
import java.time.Duration;
import java.util.Optional;

/**
 * One check of a user name and password against the credentials file, the same for every endpoint that takes a
 * password (Jolokia, the metrics endpoint, remote JMX): a locked source is refused before the password is looked at,
 * a failure is counted and logged, a success clears the count. The endpoints differ only in how they say the
 * {@link Verdict}.
 */
final class PasswordCheck {
    sealed interface Verdict {
    }

    /** The password matched: the user's role. */
    record Granted(String role) implements Verdict {
    }

    /** Too many failures from this source or for this user: how long it must still wait. */
    record Locked(Duration left) implements Verdict {
    }

    /** Wrong user or password, or none. */
    record Refused() implements Verdict {
    }

    private final String endpoint;
    private final CredentialsFile credentials;
    private final AuthThrottle throttle;

    PasswordCheck(String endpoint, CredentialsFile credentials, AuthThrottle throttle) {
        this.endpoint = endpoint;
        this.credentials = credentials;
        this.throttle = throttle;
    }

    Verdict check(String source, String user, String password) {
        Optional<Duration> locked = throttle.lockedFor(source, user);
        if (locked.isPresent()) {
            return new Locked(locked.get());
        }
        Optional<String> role = credentials.current().roleOf(user, password);
        if (role.isEmpty()) {
            throttle.failed(endpoint, source, user);
            return new Refused();
        }
        throttle.succeeded(source, user);
        return new Granted(role.get());
    }

    /** A request that carried no usable credentials at all: counted as a failure without a user name. */
    void malformed(String source) {
        throttle.failed(endpoint, source, "");
    }
}
