package dev.supervisor.logs;

import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/**
 * Per-line work a {@link LogPump} does besides copying bytes. Each costs only when set.
 *
 * @param datePrefix   when set, every line written to the log starts with "{@code <date>: }" (pm2's
 *                     log_date_format; build it with {@link LogDateFormat#parse})
 * @param lineListener when set, called on the pump thread with every complete line (without the line end,
 *                     cut to {@link LogPump#MAX_LISTENER_LINE} bytes); used by the ready_pattern probe.
 *                     It must be quick: while it runs, the pump does not read.
 */
public record LineOptions(DateTimeFormatter datePrefix, Consumer<String> lineListener) {
    public static final LineOptions NONE = new LineOptions(null, null);

    public static LineOptions datePrefix(DateTimeFormatter format) {
        return new LineOptions(format, null);
    }

    public LineOptions withLineListener(Consumer<String> listener) {
        return new LineOptions(datePrefix, listener);
    }
}
