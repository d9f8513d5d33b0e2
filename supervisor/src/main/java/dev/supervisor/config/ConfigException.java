package dev.supervisor.config;

/** A bad config file or field. The message names the file, the app and the field, and says why. */
public class ConfigException extends dev.supervisor.errors.UserError {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
