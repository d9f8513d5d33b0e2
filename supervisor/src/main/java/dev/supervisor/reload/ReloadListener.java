package dev.supervisor.reload;

/** Receives each line of a reload's progress (the CLI's ticket, the MBean's step attribute). */
@FunctionalInterface
public interface ReloadListener {
    void line(String app, String line);

    ReloadListener NONE = (app, line) -> { };
}
