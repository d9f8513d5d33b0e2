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
            Thread t = new Thread(() -> LogTail.follow(f, line -> {
                synchronized (out) {
                    out.println(name + " | " + line);
                    out.flush();
                }
            }, () -> true), "follow-" + name);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
    }
}
