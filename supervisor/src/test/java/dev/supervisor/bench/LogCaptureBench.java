package dev.supervisor.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.supervisor.config.LogPolicy;
import dev.supervisor.logs.LineOptions;
import dev.supervisor.logs.LogCapture;
import dev.supervisor.logs.LogDateFormat;
import dev.supervisor.logs.LogPump;
import dev.supervisor.logs.PipeMultiplexer;
import dev.supervisor.logs.RotatingLogFile;
import dev.supervisor.process.ChildProcess;
import dev.supervisor.process.LaunchSpec;
import dev.supervisor.process.NativeLauncher;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Log capture throughput and the capturing JVM's CPU, for bench/perf.sh (not a test). One app writes MB megabytes
 * of 100-byte lines; modes, interleaved over ROUNDS:
 * <ul>
 *   <li>{@code ceiling}: the app's own pipe ceiling, {@code app | cat > /dev/null} (no JVM work);</li>
 *   <li>{@code thread}: the JDK's ProcessBuilder and a {@link LogPump} thread per stream (the daemon today);</li>
 *   <li>{@code mux}: {@link NativeLauncher} and the one-thread {@link PipeMultiplexer};</li>
 * </ul>
 * each writing to a {@link RotatingLogFile} (10 MB, retain 5) with a log_date_format, as an app configured so.
 * Prints one line per mode: median MB/s, median CPU of this JVM in % of one core, ratio to the ceiling, CPU per MB,
 * and that CPU at the ceiling's rate.
 * Usage: LogCaptureBench WRITER_PY MB ROUNDS [nodate]; -Dbench.coalesceMicros=N: the multiplexer's pause after a read
 * (default 1000)
 */
public final class LogCaptureBench {
    private static final OperatingSystemMXBean OS =
            (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    public static void main(String[] args) throws Exception {
        String writer = Path.of(args[0]).toAbsolutePath().toString();
        double mb = Double.parseDouble(args[1]);
        int rounds = Integer.parseInt(args[2]);
        boolean date = args.length < 4 || !args[3].equals("nodate");
        Path dir = Files.createTempDirectory("logbench");
        List<String> modes = List.of("ceiling", "thread", "mux");
        Map<String, List<double[]>> results = new java.util.LinkedHashMap<>();
        modes.forEach(m -> results.put(m, new ArrayList<>()));
        try (NativeLauncher launcher = new NativeLauncher(); PipeMultiplexer mux = new PipeMultiplexer(
                java.time.Duration.ofNanos(1000 * Long.getLong("bench.coalesceMicros", 1000)))) {
            for (String m : modes) {
                run(m, writer, Math.min(mb, 50), dir, launcher, mux, date); // warm-up (JIT, page cache)
            }
            for (int r = 0; r < rounds; r++) {
                for (String m : modes) {
                    results.get(m).add(run(m, writer, mb, dir, launcher, mux, date));
                }
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        double ceiling = median(results.get("ceiling"), 0);
        System.out.printf("log capture, %s MB of 100-byte lines per round, %d rounds, log_date_format %s%n",
                args[1], rounds, date ? "on" : "off");
        for (String m : modes) {
            double mbs = median(results.get(m), 0);
            double cpu = median(results.get(m), 1);
            // The app writes faster into our socket than into a pipe that cat drains, so the capture's CPU is also
            // given per MB and at the ceiling's rate: what the same bytes per second would cost.
            System.out.printf("%-8s %7.1f MB/s  %5.1f %% of a core (capturing JVM)  %.2f x ceiling  %.2f ms CPU/MB  "
                    + "%.1f %% of a core at the ceiling's rate%n", m, mbs, cpu, mbs / ceiling, 10 * cpu / mbs,
                    cpu * ceiling / mbs);
        }
    }

    /** @return {MB/s, CPU % of one core of this JVM during the copy} */
    private static double[] run(String mode, String writer, double mb, Path dir, NativeLauncher launcher,
                                PipeMultiplexer mux, boolean date) throws Exception {
        List<String> app = List.of("python3", writer, Double.toString(mb));
        LineOptions options = date ? LineOptions.datePrefix(LogDateFormat.parse("YYYY-MM-DD HH:mm:ss.SSS"))
                : LineOptions.NONE;
        long cpu0 = OS.getProcessCpuTime();
        long t0 = System.nanoTime();
        if (mode.equals("ceiling")) {
            Process p = new ProcessBuilder("/bin/sh", "-c", "python3 " + writer + " " + mb + " | cat > /dev/null")
                    .redirectErrorStream(true).start();
            p.waitFor();
        } else {
            Path file = dir.resolve(mode + ".log");
            try (RotatingLogFile log = new RotatingLogFile(file, new LogPolicy(10_000_000, 5))) {
                CountDownLatch ended = new CountDownLatch(1);
                if (mode.equals("thread")) {
                    Process p = new ProcessBuilder(app).directory(dir.toFile()).redirectErrorStream(true).start();
                    LogPump.start("bench", p.getInputStream(), log, options, ended::countDown);
                    p.waitFor();
                } else {
                    ChildProcess c = launcher.launch(new LaunchSpec(app, dir, Map.of()));
                    LogCapture capture = mux;
                    capture.start("bench", c.stdout(), log, options, ended::countDown);
                    c.stderr().close();
                    c.onExit().get();
                }
                ended.await(60, TimeUnit.SECONDS);
            }
        }
        long t1 = System.nanoTime();
        long cpu1 = OS.getProcessCpuTime();
        double seconds = (t1 - t0) / 1e9;
        return new double[] {mb / seconds, 100.0 * (cpu1 - cpu0) / (t1 - t0)};
    }

    private static double median(List<double[]> xs, int i) {
        double[] v = xs.stream().mapToDouble(x -> x[i]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
