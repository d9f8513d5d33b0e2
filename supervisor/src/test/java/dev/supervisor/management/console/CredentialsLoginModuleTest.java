package dev.supervisor.management.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.supervisor.management.RolePrincipal;
import dev.supervisor.management.TestHome;
import dev.supervisor.management.UserPrincipal;
import java.nio.file.Path;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** JAAS login through the realm as hawtio does it: {@code new LoginContext(realm, subject, handler)}. */
class CredentialsLoginModuleTest {
    @TempDir
    Path home;

    CredentialsRealm realm;

    @BeforeEach
    void installRealm() throws Exception {
        realm = CredentialsRealm.install("test-realm", TestHome.create(home, 0).credentialsFile(), null);
    }

    @AfterEach
    void uninstallRealm() {
        realm.close();
    }

    @Test
    void adminGetsUserAndAdminRolePrincipals() throws Exception {
        Subject subject = new Subject();
        LoginContext login = new LoginContext("test-realm", subject, answering(TestHome.ADMIN,
                TestHome.ADMIN_PASSWORD));

        login.login();

        assertThat(subject.getPrincipals()).containsExactlyInAnyOrder(new UserPrincipal(TestHome.ADMIN),
                new RolePrincipal("admin"));
        login.logout();
        assertThat(subject.getPrincipals()).isEmpty();
    }

    @Test
    void theShippedLoginConfNamesOurModuleAndGetsTheCredentialsFile() {
        Path credentials = home.resolve("credentials");
        Path shipped = projectRoot().resolve("conf/login.conf");
        javax.security.auth.login.AppConfigurationEntry[] entries = CredentialsRealm.entries("supervisor", credentials, shipped);
        assertThat(entries).hasSize(1);
        assertThat(entries[0].getLoginModuleName()).isEqualTo(CredentialsLoginModule.class.getName());
        assertThat(entries[0].getOptions().get(CredentialsLoginModule.CREDENTIALS_FILE_OPTION)).isEqualTo(credentials.toString());
    }

    @Test
    void aLoginConfMayAddModulesAndOptions() throws Exception {
        Path conf = home.resolve("login.conf");
        java.nio.file.Files.writeString(conf, "supervisor {\n  com.example.LdapModule sufficient url=\"ldap://x\";\n"
                + "  " + CredentialsLoginModule.class.getName() + " required credentialsFile=\"/etc/other\";\n};\n");
        javax.security.auth.login.AppConfigurationEntry[] entries = CredentialsRealm.entries("supervisor", home.resolve("credentials"), conf);
        assertThat(entries).extracting(javax.security.auth.login.AppConfigurationEntry::getLoginModuleName)
                .containsExactly("com.example.LdapModule", CredentialsLoginModule.class.getName());
        assertThat(entries[1].getOptions().get(CredentialsLoginModule.CREDENTIALS_FILE_OPTION)).isEqualTo("/etc/other");
    }

    private static Path projectRoot() {
        Path p = Path.of("").toAbsolutePath();
        return java.nio.file.Files.exists(p.resolve("conf")) ? p : p.getParent();
    }

    @Test
    void viewerGetsTheViewerRole() throws Exception {
        Subject subject = new Subject();
        new LoginContext("test-realm", subject, answering(TestHome.VIEWER, TestHome.VIEWER_PASSWORD)).login();

        assertThat(subject.getPrincipals(RolePrincipal.class)).containsExactly(new RolePrincipal("viewer"));
    }

    @Test
    void wrongPasswordFailsAndAddsNothing() throws Exception {
        Subject subject = new Subject();
        LoginContext login = new LoginContext("test-realm", subject, answering(TestHome.VIEWER, "guess"));

        assertThatThrownBy(login::login).isInstanceOf(FailedLoginException.class)
                .hasMessageContaining("Authentication failed");
        assertThat(subject.getPrincipals()).isEmpty();
    }

    @Test
    void otherRealmNamesAreLeftToThePreviousConfiguration() {
        assertThat(realm.getAppConfigurationEntry("some-other-realm")).isNull();
        assertThat(realm.getAppConfigurationEntry("test-realm")).hasSize(1);
    }

    private static CallbackHandler answering(String user, String password) {
        return (Callback[] callbacks) -> {
            for (Callback callback : callbacks) {
                if (callback instanceof NameCallback name) {
                    name.setName(user);
                } else if (callback instanceof PasswordCallback secret) {
                    secret.setPassword(password.toCharArray());
                }
            }
        };
    }
}
