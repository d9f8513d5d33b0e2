package dev.supervisor.config;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One {@code ignore_watch} entry. pm2 passes them to chokidar, so users write regular expressions
 * ({@code "[\\/\\\\]\\./"}, {@code "\\.log$"}), plain names ({@code "node_modules"}) and globs ({@code "*.log"}).
 * An entry ignores a path when, as a regular expression, it is found in the path (absolute or relative to the app's
 * cwd), or, as a glob, it matches the relative path or the file name.
 */
public final class WatchPatterns {
    private WatchPatterns() {
    }

    /** @throws IllegalArgumentException when the entry is neither a valid regular expression nor a valid glob */
    public static Predicate<Path> compile(String entry) {
        Pattern regex = null;
        try {
            regex = Pattern.compile(entry);
        } catch (PatternSyntaxException e) {
            // not a regular expression: a glob then
        }
        PathMatcher glob;
        try {
            glob = FileSystems.getDefault().getPathMatcher("glob:" + entry);
        } catch (IllegalArgumentException e) {
            if (regex == null) {
                throw new IllegalArgumentException("'" + entry + "' is neither a regular expression nor a glob: " + e.getMessage());
            }
            glob = p -> false;
        }
        Pattern r = regex;
        PathMatcher g = glob;
        return relative -> (r != null && r.matcher(relative.toString()).find()) || g.matches(relative)
                || (relative.getFileName() != null && g.matches(relative.getFileName()));
    }
}
