package dev.supervisor.readiness;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Builds the probe an app's config asks for. One per daemon; every probe shares its scheduler. */
public final class ReadinessProbes {
    /** Port checks are one refused connect each: poll often, detection then adds almost nothing. */
    public static final Duration PORT_POLL = Duration.ofMillis(5);
    /** A URL check may hit a starting app's handler: a little less often. */
    public static final Duration URL_POLL = Duration.ofMillis(10);
    /** Apps listen on their private port on the loopback interface. */
    public static final String PORT_HOST = "127.0.0.1";

    private final ScheduledExecutorService scheduler;
    private final ScheduledExecutorService urlScheduler;
    private final Path notifySocketDir;

    /**
     * @param scheduler       shared by all probes for polls and timeouts; 2 threads are plenty (a URL check can
     *                        hold a thread up to about a second)
     * @param notifySocketDir where sd_notify sockets are created, e.g. $SUPERVISOR_HOME/run
     */
    public ReadinessProbes(ScheduledExecutorService scheduler, Path notifySocketDir) {
        this(scheduler, scheduler, notifySocketDir);
    }

    /**
     * @param urlScheduler where ready_url GETs run: a GET can hold its thread up to its timeout, so the daemon gives
     *                     them their own threads and they cannot delay the 5 ms port polls
     */
    public ReadinessProbes(ScheduledExecutorService scheduler, ScheduledExecutorService urlScheduler, Path notifySocketDir) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.urlScheduler = Objects.requireNonNull(urlScheduler, "urlScheduler");
        this.notifySocketDir = Objects.requireNonNull(notifySocketDir, "notifySocketDir");
    }

    /**
     * A new, unarmed probe for one spawn. Call before spawning: a notify socket must exist before the child runs.
     *
     * @param instanceName e.g. "api-2", used to name the notify socket file
     * @throws IllegalArgumentException if ready_url or ready_pattern cannot be used (message names the field)
     * @throws IOException              if the notify socket cannot be created
     */
    public ReadinessProbe create(ReadinessSpec spec, String instanceName) throws IOException {
        if (spec.waitReady()) {
            return new NotifySocketProbe(notifySocketDir, instanceName, scheduler);
        }
        if (spec.readyUrl() != null) {
            return new ReadyUrlProbe(readyUrl(spec), URL_POLL, urlScheduler);
        }
        if (spec.readyPattern() != null) {
            return new ReadyPatternProbe(readyPattern(spec.readyPattern()), scheduler);
        }
        if (spec.port() > 0) {
            return new PortProbe(PORT_HOST, spec.port(), PORT_POLL, scheduler);
        }
        return new AliveProbe(spec.minUptime(), scheduler);
    }

    static URI readyUrl(ReadinessSpec spec) {
        String text = spec.readyUrl();
        if (text.contains("${PORT}")) {
            if (spec.port() == 0) {
                throw new IllegalArgumentException("ready_url '" + text + "' uses ${PORT} but the app has no port");
            }
            text = text.replace("${PORT}", Integer.toString(spec.port()));
        }
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("ready_url '" + spec.readyUrl() + "' is not a valid URL: " + e.getMessage(), e);
        }
    }

    private static Pattern readyPattern(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("ready_pattern '" + regex + "' is not a valid regular expression: "
                    + e.getDescription(), e);
        }
    }
}
