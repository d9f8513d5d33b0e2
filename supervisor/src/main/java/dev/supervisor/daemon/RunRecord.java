package dev.supervisor.daemon;


import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supervisor.config.AppConfig;
import dev.supervisor.config.PrivateFiles;
import dev.supervisor.god.App;
import dev.supervisor.god.God;
import dev.supervisor.god.Instance;
import dev.supervisor.god.StateJournal;
import dev.supervisor.mbeans.ReloadStep;
import dev.supervisor.process.ProcessStatus;
import dev.supervisor.process.SocketOwners;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What runs, recorded in the state directory after every change ({@code run/state.json}): the daemon, each app's
 * spec (during a reload, the config it had before), each process (pid, process group, start time from
 * /proc/PID/stat field 22, app, id, index, generation) and an in-progress reload with its step. Written atomically
 * (temp + fsync + rename) by one thread, coalescing bursts of changes. A clean shutdown deletes it: a record found
 * at start means the previous daemon died ({@link Recovery}).
 *
 * <p>The record is rewritten whole, so its cost grows with the number of apps; starting 1,000 apps changes it
 * thousands of times. Two things keep that cheap: each app's spec is rendered once per config (a new config or
 * instance count renders it anew), and the writer paces itself: after a write that cost {@code c} of CPU it waits
 * {@code PACE × c} before the next one, so it takes at most 1/(PACE+1) of a core during a burst. A change is still
 * recorded within a few of those waits (a few ms at 5 apps, some tens of ms at 1,000).
 */
final class RunRecord implements StateJournal, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(RunRecord.class);

    /** The writer's pause after a write, as a multiple of that write's CPU time. */
    private static final int PACE = 8;
    /** The longest pause, however slow a write was (the record must follow crashes and restarts closely). */
    private static final long MAX_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final Path file;
    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService writer;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    /** Rendered specs by config (identity), touched only by the writing thread under this object's monitor. */
    private Map<AppConfig, RenderedSpec> specs = new IdentityHashMap<>();
    /** When the next write may start (System.nanoTime), set by the writer after each write. */
    private volatile long nextWriteNanos;
    private volatile God god;

    private record RenderedSpec(int instances, byte[] spec) {
    }

    RunRecord(Path file, ScheduledExecutorService writer) {
        this.file = file;
        this.writer = writer;
    }

    /** One writer thread, there only while writes are due (it ends when idle, as the daemon's other pools). */
    static ScheduledExecutorService writerThread() {
        return Daemon.scheduledPool(1, "supervisor-record");
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
            long wait = nextWriteNanos - System.nanoTime();
            writer.schedule(() -> {
                pending.set(false);
                if (!closed.get()) {
                    write();
                }
            }, Math.max(0, wait), TimeUnit.NANOSECONDS);
        } catch (RuntimeException e) {
            pending.set(false); // shutting down
        }
    }

    /** Writes now (also used at start, before any change). */
    synchronized void write() {
        long cpu0 = threads.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        try {
            writeAtomically(file, this::snapshot);
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot write the run record {}: {}", file, e.toString());
        }
        long cpu = Math.max(0, threads.getCurrentThreadCpuTime() - cpu0);
        long wall = System.nanoTime() - wall0;
        // At most 1/(PACE+1) of a core, and the disk busy at most half the time (each write is fsynced).
        nextWriteNanos = System.nanoTime() + Math.min(MAX_PAUSE_NANOS, Math.max(PACE * cpu, wall));
    }

    /** The app's spec as {@link God#specOf} renders it, rendered again only when its config or size changed. */
    private byte[] specOf(App app, Map<AppConfig, RenderedSpec> next) {
        AppConfig c = app.reloads().configBeforeReload().orElse(app.config());
        int n = app.instances().size();
        RenderedSpec r = specs.get(c);
        if (r == null || r.instances() != n) {
            r = new RenderedSpec(n, God.specOf(app).getBytes(StandardCharsets.UTF_8));
        }
        next.put(c, r);
        return r.spec();
    }

    /**
     * The record as JSON, streamed to the file: neither a tree nor a whole copy in memory (at 1,000 apps the record
     * is megabytes, and arrays that big go straight to the old generation, one full collection after another).
     */
    private void snapshot(OutputStream bytes) throws IOException {
        Map<AppConfig, RenderedSpec> next = new IdentityHashMap<>();
        try (JsonGenerator out = json.getFactory().createGenerator(bytes)) {
            out.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET); // the file is fsynced after this
            out.writeStartObject();
            out.writeNumberField("version", 1);
            long self = ProcessHandle.current().pid();
            out.writeNumberField("daemonPid", self);
            out.writeNumberField("daemonStartTicks", SocketOwners.startTime(self).orElse(0));
            out.writeNumberField("writtenAt", System.currentTimeMillis());
            out.writeArrayFieldStart("apps");
            God g = god;
            for (App app : g.apps()) {
                out.writeStartObject();
                out.writeStringField("name", app.name());
                // The spec's bytes go straight to the buffer: an empty raw value tells the generator a value was
                // written, the flush puts "spec": before it (re-encoding 1,000 specs per write was most of its cost).
                out.writeFieldName("spec");
                out.writeRawValue("");
                out.flush();
                bytes.write(specOf(app, next));
                out.writeStringField("killSignal", app.config().killSignal());
                out.writeNumberField("killTimeoutMillis", app.config().killTimeout().toMillis());
                if (app.reloads().step() != ReloadStep.NONE || !app.reloads().isIdle()) {
                    out.writeObjectFieldStart("reload");
                    out.writeStringField("state", app.reloads().state().label());
                    out.writeStringField("step", app.reloads().step().name());
                    out.writeEndObject();
                }
                out.writeArrayFieldStart("stoppedIndexes");
                for (Instance i : app.instances()) {
                    if (i.status() == ProcessStatus.STOPPED || i.status() == ProcessStatus.ERRORED) {
                        out.writeNumber(i.index());
                    }
                }
                out.writeEndArray();
                out.writeArrayFieldStart("processes");
                for (Instance i : app.allInstances()) {
                    long pid = i.pid();
                    if (pid == 0) {
                        continue;
                    }
                    out.writeStartObject();
                    out.writeNumberField("id", i.id());
                    out.writeNumberField("index", i.index());
                    out.writeNumberField("pid", pid);
                    out.writeNumberField("pgid", pid); // each instance leads its own process group
                    out.writeNumberField("startTicks", i.startTicks());
                    out.writeNumberField("generation", i.generation());
                    out.writeStringField("status", i.status().label());
                    out.writeEndObject();
                }
                out.writeEndArray();
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeEndObject();
        }
        specs = next; // drops the specs of apps gone or reconfigured
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

    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    static void writeAtomically(Path file, Content content) throws IOException {
        PrivateFiles.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = PrivateFiles.openForWrite(tmp)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 64 * 1024);
            content.writeTo(out);
            out.flush();
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
