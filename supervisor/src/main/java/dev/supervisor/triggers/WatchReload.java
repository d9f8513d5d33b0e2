package dev.supervisor.triggers;

import dev.supervisor.config.WatchPatterns;
import dev.supervisor.config.WatchSpec;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * pm2's watch mode: a change under the watched paths reloads the app once no further change came for
 * {@code watch_delay} (a burst of changes, e.g. a checkout, reloads once). Paths matching {@code ignore_watch},
 * {@code node_modules}, {@code .git} and the app's own log files never trigger. Uses the OS's file events
 * (inotify), one thread per watched app.
 */
public final class WatchReload implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(WatchReload.class);
    private static final Set<String> ALWAYS_IGNORED_DIRS = Set.of("node_modules", ".git", ".svn", ".hg");

    private final String app;
    private final WatchSpec spec;
    private final Path cwd;
    private final List<Path> ownFiles;
    private final List<Predicate<Path>> ignore = new ArrayList<>();
    private final ScheduledExecutorService scheduler;
    private final AppReloader reloader;
    private final WatchService service;
    private Thread thread;
    private ScheduledFuture<?> pending;
    private String lastChange = "";

    /**
     * @param ownFiles the app's log files: writing them must not count as a change
     */
    public WatchReload(String app, WatchSpec spec, Path cwd, List<Path> ownFiles, ScheduledExecutorService scheduler,
                       AppReloader reloader) throws IOException {
        this.app = app;
        this.spec = spec;
        this.cwd = cwd;
        this.ownFiles = List.copyOf(ownFiles);
        this.scheduler = scheduler;
        this.reloader = reloader;
        for (String i : spec.ignore()) {
            ignore.add(WatchPatterns.compile(i));
        }
        this.service = FileSystems.getDefault().newWatchService();
    }

    public WatchReload start() throws IOException {
        for (Path p : spec.paths()) {
            registerTree(Files.isDirectory(p) ? p : p.getParent());
        }
        thread = new Thread(this::run, "supervisor-watch-" + app);
        thread.setDaemon(true);
        thread.start();
        LOG.info("{}: watching {} (ignoring {}; delay {} ms)", app, spec.paths(), spec.ignore(), spec.delay().toMillis());
        return this;
    }

    private void registerTree(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root) && ignored(dir)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                return FileVisitResult.CONTINUE; // a file gone or unreadable while we walk: not our business
            }
        });
    }

    boolean ignored(Path absolute) {
        Path rel = absolute.startsWith(cwd) ? cwd.relativize(absolute) : absolute;
        for (Path part : rel) {
            if (ALWAYS_IGNORED_DIRS.contains(part.toString())) {
                return true;
            }
        }
        for (Path own : ownFiles) {
            if (absolute.toString().startsWith(own.toString())) { // the log and its rotated copies (.1, .2, ...)
                return true;
            }
        }
        // Patterns see the path relative to the app's cwd (as pm2's chokidar does with its cwd): "tmp" must not
        // ignore everything because the app happens to live under /tmp.
        for (Predicate<Path> p : ignore) {
            if (p.test(rel)) {
                return true;
            }
        }
        return false;
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = service.take();
                Path dir = (Path) key.watchable();
                for (WatchEvent<?> e : key.pollEvents()) {
                    if (e.kind() == StandardWatchEventKinds.OVERFLOW) {
                        changed(dir);
                        continue;
                    }
                    Path changed = dir.resolve((Path) e.context());
                    if (ignored(changed)) {
                        continue;
                    }
                    if (e.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(changed)) {
                        try {
                            registerTree(changed);
                        } catch (IOException ex) {
                            LOG.warn("{}: cannot watch new directory {}: {}", app, changed, ex.getMessage());
                        }
                    }
                    changed(changed);
                }
                key.reset();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    /** Debounce: every change pushes the reload back by watch_delay. */
    private synchronized void changed(Path path) {
        lastChange = path.toString();
        if (pending != null) {
            pending.cancel(false);
        }
        pending = scheduler.schedule(this::fire, spec.delay().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void fire() {
        String what;
        synchronized (this) {
            pending = null;
            what = lastChange;
        }
        try {
            LOG.info("{}: {} changed: reloading", app, what);
            reloader.reloadApp(app, "watch: " + what + " changed", true);
        } catch (RuntimeException e) {
            LOG.warn("{}: watch reload not started: {}", app, e.getMessage());
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (pending != null) {
                pending.cancel(false);
            }
        }
        try {
            service.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
