package dev.supervisor.readiness;

import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;

/** Ready when a stdout line contains a match of the regex (find, not a whole-line match). */
public final class ReadyPatternProbe extends AbstractReadinessProbe {
    private final Pattern regex;

    public ReadyPatternProbe(Pattern regex, ScheduledExecutorService scheduler) {
        super(scheduler);
        this.regex = regex;
    }

    /** Lines may come before await (they are remembered) and after the wait ended (ignored cheaply). */
    @Override
    public void onStdoutLine(String line) {
        if (!isSettled() && regex.matcher(line).find()) {
            markReady();
        }
    }

    @Override
    protected void startWatching(ProcessHandle process) {
        // nothing to start: lines arrive through onStdoutLine
    }

    @Override
    public String describe() {
        return "a stdout line matching /" + regex.pattern() + "/";
    }
}
