package dev.supervisor.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.supervisor.god.App;
import dev.supervisor.god.God;
import dev.supervisor.god.Instance;
import dev.supervisor.god.StateJournal;
import dev.supervisor.mbeans.ReloadStep;
import dev.supervisor.process.SocketOwners;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What runs, recorded in the state directory after every change ({@code run/state.json}): the daemon, each app's
 * spec (during a reload, the config it had before), each process (pid, process group, start time from
 * /proc/PID/stat field 22, app, id, index, generation) and an in-progress reload with its step. Written atomically
 * (temp + fsync + rename) by one thread, coalescing bursts of changes. A clean shutdown deletes it: a record found
 * at start means the previous daemon died ({@link Recovery}).
 */
final class RunRecord implements StateJournal, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(RunRecord.class);

    private final Path file;
    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService writer;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile God god;

    RunRecord(Path file, ExecutorService writer) {
        this.file = file;
        this.writer = writer;
    }

    static ExecutorService writerThread() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "supervisor-record");
            t.setDaemon(true);
            return t;
        });
    }

    Path file() {
        return file;
    }

    void attach(God g) {
        this.god = g;
        changed();
    }

    @Override
    public void changed() {
        if (closed.get() || god == null || !pending.compareAndSet(false, true)) {
            return;
        }
        try {
            writer.execute(() -> {
                pending.set(false);
                if (!closed.get()) {
                    write();
                }
            });
        } catch (RuntimeException e) {
            pending.set(false); // shutting down
        }
    }

    /** Writes now (also used at start, before any change). */
    synchronized void write() {
        try {
            writeAtomically(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(snapshot()));
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot write the run record {}: {}", file, e.toString());
        }
    }

    private ObjectNode snapshot() throws IOException {
        ObjectNode root = json.createObjectNode();
        root.put("version", 1);
        long self = ProcessHandle.current().pid();
        root.put("daemonPid", self);
        root.put("daemonStartTicks", SocketOwners.startTime(self).orElse(0));
        root.put("writtenAt", System.currentTimeMillis());
        ArrayNode apps = root.putArray("apps");
        God g = god;
        for (App app : g.apps()) {
            ObjectNode a = apps.addObject();
            a.put("name", app.name());
            a.set("spec", json.readTree(God.specOf(app)));
            a.put("killSignal", app.config().killSignal());
            a.put("killTimeoutMillis", app.config().killTimeout().toMillis());
            if (app.reloads().step() != ReloadStep.NONE || !app.reloads().isIdle()) {
                ObjectNode r = a.putObject("reload");
                r.put("state", app.reloads().state().label());
                r.put("step", app.reloads().step().name());
            }
            ArrayNode stopped = a.putArray("stoppedIndexes");
            for (Instance i : app.instances()) {
                if (i.status() == dev.supervisor.process.ProcessStatus.STOPPED || i.status() == dev.supervisor.process.ProcessStatus.ERRORED) {
                    stopped.add(i.index());
                }
            }
            ArrayNode procs = a.putArray("processes");
            for (Instance i : app.allInstances()) {
                long pid = i.pid();
                if (pid == 0) {
                    continue;
                }
                ObjectNode p = procs.addObject();
                p.put("id", i.id());
                p.put("index", i.index());
                p.put("pid", pid);
                p.put("pgid", pid); // each instance leads its own session and group (setsid)
                p.put("startTicks", i.startTicks());
                p.put("generation", i.generation());
                p.put("status", i.status().label());
            }
        }
        return root;
    }

    JsonNode read() throws IOException {
        return json.readTree(file.toFile());
    }

    boolean exists() {
        return Files.isRegularFile(file);
    }

    /**
     * A clean shutdown: no more writes, and the record goes unless a process outlived the shutdown (then the next
     * daemon finds and stops it).
     */
    @Override
    public void close() {
        closed.set(true);
        writer.shutdown();
        try {
            // A write under way would put the file back after the delete below.
            writer.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        God g = god;
        if (g != null && g.processCount() > 0) {
            write();
            LOG.warn("processes outlived the shutdown; the run record {} stays for the next daemon", file);
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.error("cannot delete the run record {}: {}", file, e.toString());
        }
    }

    static void writeAtomically(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
