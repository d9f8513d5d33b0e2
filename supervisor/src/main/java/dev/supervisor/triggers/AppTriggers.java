package dev.supervisor.triggers;

import dev.supervisor.config.AppConfig;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The cron and watch triggers of every app, replaced whenever an app's config changes and closed when it is
 * deleted. Each trigger only asks the {@link AppReloader} for a reload. Triggers are kept per app object (the
 * {@code owner} token), not per name: the triggers of a deleted app can never replace or remove those of a new app
 * that took its name. The monitor guards the map alone; watches are set up and closed outside it.
 */
public final class AppTriggers implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(AppTriggers.class);

    private final ScheduledExecutorService scheduler;
    private final AppReloader reloader;
    private final Map<Object, List<AutoCloseable>> byApp = new IdentityHashMap<>();

    public AppTriggers(ScheduledExecutorService scheduler, AppReloader reloader) {
        this.scheduler = scheduler;
        this.reloader = reloader;
    }

    /** Arms (or re-arms) the triggers an app's config asks for. {@code ownFiles}: its log files. */
    public void configure(Object owner, AppConfig config, List<Path> ownFiles) {
        List<AutoCloseable> created = new ArrayList<>();
        config.cronRestart().ifPresent(expr -> created.add(new CronRestart(config.name(), expr, scheduler, reloader).start()));
        if (config.watch().enabled()) {
            try {
                created.add(new WatchReload(config.name(), config.watch(), config.cwd(), ownFiles, scheduler, reloader).start());
            } catch (IOException e) {
                LOG.warn("{}: cannot watch {}: {}", config.name(), config.watch().paths(), e.getMessage());
            }
        }
        List<AutoCloseable> old;
        synchronized (this) {
            old = byApp.put(owner, created);
        }
        closeAll(old);
    }

    public void remove(Object owner) {
        List<AutoCloseable> old;
        synchronized (this) {
            old = byApp.remove(owner);
        }
        closeAll(old);
    }

    private static void closeAll(List<AutoCloseable> triggers) {
        if (triggers == null) {
            return;
        }
        for (AutoCloseable t : triggers) {
            try {
                t.close();
            } catch (Exception e) {
                LOG.warn("closing trigger {}: {}", t, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        List<List<AutoCloseable>> all;
        synchronized (this) {
            all = new ArrayList<>(byApp.values());
            byApp.clear();
        }
        all.forEach(AppTriggers::closeAll);
    }
}
