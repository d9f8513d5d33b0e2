package dev.supervisor.cli;

import dev.supervisor.logs.LogTail;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code logs --follow}: one follower thread per file, prefixing lines with the file name, until Ctrl-C. */
final class LogFollower {
    private LogFollower() {
    }

    static void follow(List<Path> files, PrintWriter out) throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString();
            Thread t = new Thread(() -> {
                try {
                    long end = java.nio.file.Files.exists(f) ? java.nio.file.Files.size(f) : 0;
                    LogTail.follow(f, end, line -> {
                        synchronized (out) {
                            out.println(name + " | " + line);
                            out.flush();
                        }
                    }, () -> true);
                } catch (java.io.IOException e) {
                    synchronized (out) {
                        out.println("supervisor: cannot follow " + f + ": " + e.getMessage());
                    }
                }
            }, "follow-" + name);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
