package dev.supervisor.cli;

import dev.supervisor.logs.LogTail;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** {@code logs} streaming: one follower thread per file, each line formatted by its file's formatter, until Ctrl-C. */
final class LogFollower {
    private LogFollower() {
    }

    /** A log file to follow from {@code offset} (where the printed tail ended), and how its lines are shown. */
    record Source(Path file, long offset, UnaryOperator<String> format) {
    }

    static void follow(List<Source> sources, PrintWriter out) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (Source s : sources) {
            Thread t = new Thread(() -> {
                try {
                    LogTail.follow(s.file(), s.offset(), line -> {
                        synchronized (out) {
                            out.println(s.format().apply(line));
                            out.flush();
                        }
                    }, () -> !out.checkError());
                } catch (java.io.IOException e) {
                    synchronized (out) {
                        out.println("supervisor: cannot follow " + s.file() + ": " + e.getMessage());
                    }
                }
            }, "follow-" + s.file().getFileName());
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
