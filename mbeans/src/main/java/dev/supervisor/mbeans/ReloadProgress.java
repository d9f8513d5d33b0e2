package dev.supervisor.mbeans;

import java.beans.ConstructorProperties;
import java.util.List;

/**
 * A window on a reload the daemon is driving, for clients that follow it (the CLI polls this).
 * {@code lines} are the steps from index {@code from} on; {@code next} is where to continue.
 */
public final class ReloadProgress {
    private final String ticket;
    private final List<String> lines;
    private final int next;
    private final boolean finished;
    private final List<ReloadResult> results;

    @ConstructorProperties({"ticket", "lines", "next", "finished", "results"})
    public ReloadProgress(String ticket, List<String> lines, int next, boolean finished, List<ReloadResult> results) {
        this.ticket = ticket;
        this.lines = List.copyOf(lines);
        this.next = next;
        this.finished = finished;
        this.results = List.copyOf(results);
    }

    public String getTicket() { return ticket; }
    public List<String> getLines() { return lines; }
    public int getNext() { return next; }
    public boolean isFinished() { return finished; }
    /** One per app once finished; empty while running. */
    public List<ReloadResult> getResults() { return results; }
}
