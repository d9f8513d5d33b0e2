package dev.supervisor.management.console;

import dev.supervisor.management.Credentials;
import dev.supervisor.management.RolePrincipal;
import dev.supervisor.management.UserPrincipal;
import java.io.IOException;
import java.nio.file.Path;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;

/**
 * JAAS login against the daemon's {@link Credentials} file. The file is read on every login, so a changed
 * password or a newly added viewer applies without a restart. A successful login adds a {@link UserPrincipal}
 * and a {@link RolePrincipal} ({@code admin} or {@code viewer}) to the subject.
 *
 * <p>Option {@value #CREDENTIALS_FILE_OPTION}: path of the credentials file (required).
 */
public final class CredentialsLoginModule implements LoginModule {
    public static final String CREDENTIALS_FILE_OPTION = "credentialsFile";

    private Subject subject;
    private CallbackHandler callbackHandler;
    private Path credentialsFile;
    private List<Principal> pending = List.of();
    private List<Principal> committed = List.of();

    @Override
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState,
                           Map<String, ?> options) {
        this.subject = subject;
        this.callbackHandler = callbackHandler;
        Object file = options.get(CREDENTIALS_FILE_OPTION);
        this.credentialsFile = file == null ? null : Path.of(file.toString());
    }

    @Override
    public boolean login() throws LoginException {
        if (credentialsFile == null) {
            throw new LoginException("CredentialsLoginModule needs the option " + CREDENTIALS_FILE_OPTION);
        }
        if (callbackHandler == null) {
            throw new LoginException("CredentialsLoginModule needs a callback handler for user and password");
        }
        NameCallback name = new NameCallback("user: ");
        PasswordCallback password = new PasswordCallback("password: ", false);
        try {
            callbackHandler.handle(new Callback[] {name, password});
        } catch (IOException | UnsupportedCallbackException e) {
            throw new LoginException("cannot ask for user and password: " + e.getMessage());
        }
        String user = name.getName();
        char[] secret = password.getPassword();
        password.clearPassword();
        if (user == null || secret == null) {
            throw new FailedLoginException("Authentication failed");
        }
        Optional<String> role = credentials().roleOf(user, new String(secret));
        if (role.isEmpty()) {
            throw new FailedLoginException("Authentication failed");
        }
        pending = List.of(new UserPrincipal(user), new RolePrincipal(role.get()));
        return true;
    }

    private Credentials credentials() throws LoginException {
        try {
            return Credentials.load(credentialsFile);
        } catch (RuntimeException e) {
            throw new LoginException(e.getMessage());
        }
    }

    @Override
    public boolean commit() {
        if (pending.isEmpty()) {
            return false;
        }
        subject.getPrincipals().addAll(pending);
        committed = pending;
        pending = List.of();
        return true;
    }

    @Override
    public boolean abort() {
        boolean hadLogin = !pending.isEmpty() || !committed.isEmpty();
        logout();
        return hadLogin;
    }

    @Override
    public boolean logout() {
        if (subject != null && !subject.isReadOnly()) {
            committed.forEach(subject.getPrincipals()::remove);
        }
        pending = List.of();
        committed = List.of();
        return true;
    }
}
