package dev.supervisor.config;

/** Size-based rotation: a file over {@code maxBytes} is rotated, keeping {@code retain} old files. */
public record LogPolicy(long maxBytes, int retain) {
    public static final LogPolicy DEFAULT = new LogPolicy(10L << 20, 5);

    public LogPolicy {
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("log max size must be at least 1K, got " + maxBytes + " bytes");
        }
        if (retain < 0) {
            throw new IllegalArgumentException("log retain must be 0 or more, got " + retain);
        }
    }
}
