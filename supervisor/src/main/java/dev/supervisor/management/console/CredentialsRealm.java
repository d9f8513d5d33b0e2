package dev.supervisor.management.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.URIParameter;
import java.util.HashMap;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

/**
 * The JAAS realm hawtio logs in with ({@code hawtio.realm}). Its modules come from {@code conf/login.conf} when
 * that file has the realm, else it is our {@link CredentialsLoginModule} alone; modules without a credentials file
 * option get ours. Installed in code rather than with {@code java.security.auth.login.config}: the JAAS
 * configuration is JVM-wide, so this one answers for its realm name only and hands every other name to the
 * configuration that was installed before it.
 */
final class CredentialsRealm extends Configuration implements AutoCloseable {
    private final String realm;
    private final AppConfigurationEntry[] entries;
    private final Configuration previous;

    private CredentialsRealm(String realm, AppConfigurationEntry[] entries, Configuration previous) {
        this.realm = realm;
        this.previous = previous;
        this.entries = entries;
    }

    /**
     * Makes {@code realm} log in as {@code loginConf} says (if it exists and names the realm), else against the
     * credentials file, JVM-wide, until {@link #close()}.
     */
    static CredentialsRealm install(String realm, Path credentialsFile, Path loginConf) {
        CredentialsRealm installed = new CredentialsRealm(realm, entries(realm, credentialsFile, loginConf), currentOrNull());
        Configuration.setConfiguration(installed);
        return installed;
    }

    static AppConfigurationEntry[] entries(String realm, Path credentialsFile, Path loginConf) {
        AppConfigurationEntry[] declared = null;
        if (loginConf != null && Files.isRegularFile(loginConf)) {
            try {
                declared = Configuration.getInstance("JavaLoginConfig", new URIParameter(loginConf.toUri()))
                        .getAppConfigurationEntry(realm);
            } catch (NoSuchAlgorithmException | SecurityException e) {
                throw new IllegalStateException(loginConf + ": not a valid JAAS login configuration: " + e.getMessage(), e);
            }
        }
        if (declared == null || declared.length == 0) {
            declared = new AppConfigurationEntry[] {new AppConfigurationEntry(CredentialsLoginModule.class.getName(),
                    AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of())};
        }
        AppConfigurationEntry[] withFile = new AppConfigurationEntry[declared.length];
        for (int i = 0; i < declared.length; i++) {
            Map<String, Object> options = new HashMap<>(declared[i].getOptions());
            options.putIfAbsent(CredentialsLoginModule.CREDENTIALS_FILE_OPTION, credentialsFile.toString());
            withFile[i] = new AppConfigurationEntry(declared[i].getLoginModuleName(), declared[i].getControlFlag(), options);
        }
        return withFile;
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
