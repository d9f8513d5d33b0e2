package dev.supervisor.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * pm2's watch mode: a change under {@code paths} (not matching {@code ignore}) reloads the app once
 * {@code delay} has passed without a further change, so a burst of changes (a deploy, a git checkout) reloads once.
 *
 * @param paths  absolute files or directories to watch (directories recursively)
 * @param ignore regular expressions, matched against each changed path (absolute and relative to the app's cwd),
 *               as pm2's ignore_watch; node_modules, .git and log files are always ignored
 */
public record WatchSpec(boolean enabled, List<Path> paths, List<String> ignore, Duration delay) {
    public static final Duration DEFAULT_DELAY = Duration.ofMillis(1000);
    public static final WatchSpec OFF = new WatchSpec(false, List.of(), List.of(), DEFAULT_DELAY);

    public WatchSpec {
        paths = List.copyOf(paths);
        ignore = List.copyOf(ignore);
    }
}
