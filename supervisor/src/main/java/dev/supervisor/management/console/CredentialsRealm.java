package dev.supervisor.management.console;

import java.nio.file.Path;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

/**
 * The JAAS realm hawtio logs in with ({@code hawtio.realm}), configured in code rather than with a
 * {@code java.security.auth.login.config} file: the JAAS configuration is JVM-wide, so this one answers for its
 * realm name only and hands every other name to the configuration that was installed before it.
 */
final class CredentialsRealm extends Configuration implements AutoCloseable {
    private final String realm;
    private final AppConfigurationEntry[] entries;
    private final Configuration previous;

    private CredentialsRealm(String realm, Path credentialsFile, Configuration previous) {
        this.realm = realm;
        this.previous = previous;
        this.entries = new AppConfigurationEntry[] {new AppConfigurationEntry(
                CredentialsLoginModule.class.getName(),
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
                Map.of(CredentialsLoginModule.CREDENTIALS_FILE_OPTION, credentialsFile.toString()))};
    }

    /** Makes {@code realm} log in against the credentials file, JVM-wide, until {@link #close()}. */
    static CredentialsRealm install(String realm, Path credentialsFile) {
        CredentialsRealm installed = new CredentialsRealm(realm, credentialsFile, currentOrNull());
        Configuration.setConfiguration(installed);
        return installed;
    }

    private static Configuration currentOrNull() {
        try {
            return Configuration.getConfiguration();
        } catch (SecurityException e) {
            return null; // no login configuration file anywhere: nothing to delegate to
        }
    }

    @Override
    public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
        if (realm.equals(name)) {
            return entries.clone();
        }
        return previous == null ? null : previous.getAppConfigurationEntry(name);
    }

    @Override
    public void refresh() {
        if (previous != null) {
            previous.refresh();
        }
    }

    /** Puts the previous configuration back, unless someone installed another one since. */
    @Override
    public void close() {
        if (currentOrNull() == this) {
            Configuration.setConfiguration(previous);
        }
    }
}
