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
 */
public record ReloadRequest(Kind kind, Set<Integer> ids, int parallel, boolean force, Optional<AppConfig> newConfig) {
    public enum Kind { HARD, SOFT }

    public ReloadRequest {
        ids = Set.copyOf(ids);
    }

    public static ReloadRequest all(Kind kind) {
        return new ReloadRequest(kind, Set.of(), 0, false, Optional.empty());
    }
}
