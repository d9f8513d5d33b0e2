package dev.supervisor.reload;

import dev.supervisor.config.AppConfig;

import java.util.Optional;
import java.util.Set;

/**
 * One reload of one app.
 *
 * @param ids       the instance ids to replace; empty = all of the app's instances
 * @param parallel  batch size; 0 = the default (one at a time, so instances-1 keep serving)
 * @param force     queue behind a running reload instead of being refused
 * @param newConfig the app's new declaration (reload of an apps file), applied to the new instances
 * @param surge     start every new instance at once beside the old ones and switch each as it gets ready (about one
 *                  app start for any N; capacity never below the old count); {@code parallel} is then ignored
 */
public record ReloadRequest(Kind kind, Set<Integer> ids, int parallel, boolean force, Optional<AppConfig> newConfig,
                            boolean surge) {
    public enum Kind { HARD, SOFT }

    public ReloadRequest {
        ids = Set.copyOf(ids);
    }

    /** The default batch mode. */
    public ReloadRequest(Kind kind, Set<Integer> ids, int parallel, boolean force, Optional<AppConfig> newConfig) {
        this(kind, ids, parallel, force, newConfig, false);
    }

    public ReloadRequest withSurge(boolean surge) {
        return new ReloadRequest(kind, ids, parallel, force, newConfig, surge);
    }

    public static ReloadRequest all(Kind kind) {
        return new ReloadRequest(kind, Set.of(), 0, false, Optional.empty());
    }
}
