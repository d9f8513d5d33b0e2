package dev.supervisor.process;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NativeLauncherTest {
    private static final NativeLauncher LAUNCHER = new NativeLauncher();

    @TempDir
    Path dir;

    private final List<ChildProcess> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(c -> c.signalGroup("SIGKILL"));
    }

    @AfterAll
    static void closeLauncher() {
        LAUNCHER.close();
    }

    @Test
    void runsInItsOwnProcessGroupWithItsEnvAndCwdAndReportsTheExitCode() throws Exception {
        ChildProcess c = launch("echo \"$GREETING $(pwd)\"; cut -d' ' -f1,5,6 /proc/$$/stat; echo oops >&2; exit 3",
                Map.of("GREETING", "hi"));
        assertThat(c.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(3);
        String[] out = readAll(c.stdout()).split("\n");
        assertThat(out[0]).isEqualTo("hi " + dir.toRealPath());
        long pid = c.pid();
        // pid == process group; the session is the launcher's (not pid): its CPU share is the daemon's autogroup
        String sid = Files.readString(Path.of("/proc/self/stat")).replaceFirst("^.*\\) ", "").split(" ")[3];
        assertThat(out[1]).isEqualTo(pid + " " + pid + " " + sid);
        assertThat(readAll(c.stderr())).isEqualTo("oops\n");
        assertThat(c.isAlive()).isFalse();
    }

    @Test
    void aDeathBySignalIs128PlusTheSignal() throws Exception {
        ChildProcess c = launch("exec sleep 60", Map.of());
        assertThat(c.isAlive()).isTrue();
        assertThat(c.signal("SIGKILL")).isTrue();
        assertThat(c.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(137);
        assertThat(ChildProcess.describeExit(137)).isEqualTo("signal SIGKILL");
        assertThat(ProcessSignaller.groupAlive(c.pid())).isFalse();
        assertThat(c.signal("SIGTERM")).isFalse(); // no such process any more
    }

    @Test
    void signalsReachTheWholeGroupByNameOrNumber() throws Exception {
        ChildProcess c = launch("sleep 60 & sleep 60 & wait", Map.of());
        assertThat(ProcessSignaller.groupAlive(c.pid())).isTrue();
        assertThat(c.signalGroup("TERM")).isTrue();
        assertThat(c.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(128 + 15);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> !ProcessSignaller.groupAlive(c.pid())); // the two sleeps went with it
    }

    @Test
    void theChildGetsOnlyItsThreeStdioDescriptorsAndDefaultSignals() throws Exception {
        // 0, 1, 2 and the directory ls is reading; nothing of the daemon's (sockets, jars, pipes of other children)
        ChildProcess c = launch("ls /proc/self/fd; grep -E '^Sig(Ign|Blk)' /proc/self/status", Map.of());
        assertThat(c.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(0);
        List<String> lines = readAll(c.stdout()).lines().toList();
        assertThat(lines.stream().filter(l -> l.matches("\\d+")).toList()).containsExactly("0", "1", "2", "3");
        assertThat(lines).contains("SigBlk:\t0000000000000000");
    }

    @Test
    void theHandleReportsTheExitFromTheReaperAndOutlivesTheChild() throws Exception {
        ChildProcess c = launch("exec sleep 60", Map.of());
        ProcessHandle h = c.handle();
        assertThat(h.isAlive()).isTrue();
        assertThat(h.info().command()).isPresent();
        c.signal("SIGKILL");
        assertThat(h.onExit().get(30, TimeUnit.SECONDS).pid()).isEqualTo(c.pid());
        assertThat(c.handle().isAlive()).isFalse();
        assertThat(c.handle().info().command()).isEmpty();
    }

    @Test
    void linesGoToStdin() throws Exception {
        ChildProcess c = launch("read a; echo \"got $a\"", Map.of());
        c.sendLine("hello there");
        assertThat(c.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(0);
        assertThat(readAll(c.stdout())).isEqualTo("got hello there\n");
    }

    /** stdin and stdout are one socket: programs that read stdin and write stdout work, and closing stdin is an EOF. */
    @Test
    void catPythonAndAShellReadLoopWorkOverTheSharedSocket() throws Exception {
        ChildProcess cat = launch("exec cat", Map.of());
        cat.sendLine("one");
        cat.sendLine("two");
        cat.process().getOutputStream().close(); // shutdown(SHUT_WR): cat sees end of file and exits
        assertThat(cat.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(0);
        assertThat(readAll(cat.stdout())).isEqualTo("one\ntwo\n");

        ChildProcess py = launch("exec python3 -u -c 'import sys\nfor l in sys.stdin: print(\"py \" + l.strip())'", Map.of());
        py.sendLine("a");
        py.sendLine("b");
        py.process().getOutputStream().close();
        assertThat(py.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(0);
        assertThat(readAll(py.stdout())).isEqualTo("py a\npy b\n");

        ChildProcess loop = launch("while read l; do echo \"sh $l\"; [ \"$l\" = quit ] && exit 4; done", Map.of());
        loop.sendLine("x");
        loop.sendLine("quit");
        assertThat(loop.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(4);
        assertThat(readAll(loop.stdout())).isEqualTo("sh x\nsh quit\n");
    }

    /** Backpressure over the socket: a child whose stdout nobody reads blocks in write; nothing piles up. */
    @Test
    void aChildWritingFasterThanItIsReadBlocksOnTheSocket() throws Exception {
        ChildProcess c = launchFastWriter();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(10))
                .until(() -> c.isAlive() && bytesWritten(c) < 8_000_000);
        readAllOfTheFastWriter(c);
    }

    /**
     * The stdout socket holds more than its default 208 KiB before the child blocks: the log multiplexer reads about
     * once a millisecond, and a fast writer blocked on the default held capture to ~115 MB/s.
     */
    @Test
    void aChildsStdoutSocketHoldsMoreThanTheDefaultBufferBeforeItBlocks() throws Exception {
        ChildProcess c = launchFastWriter();
        // readAllLines, not readString: a sysctl file answers only a first read, and readString's was of 1 byte
        long defaultBuffer = Long.parseLong(
                Files.readAllLines(Path.of("/proc/sys/net/core/wmem_default")).get(0).trim());
        await().atMost(Duration.ofSeconds(10)).until(() -> c.isAlive() && bytesWritten(c) > defaultBuffer * 3 / 2);
        readAllOfTheFastWriter(c);
    }

    /** 50 MB to stdout as fast as it goes; exec, so that /proc/PID/io is the writer's own, not a shell's. */
    private ChildProcess launchFastWriter() {
        return launch("exec head -c 50000000 /dev/zero", Map.of());
    }

    private static long bytesWritten(ChildProcess c) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + c.pid() + "/io")).stream().filter(l -> l.startsWith("wchar:"))
                .mapToLong(l -> Long.parseLong(l.substring(6).trim())).sum();
    }

    private static void readAllOfTheFastWriter(ChildProcess c) throws Exception {
        long total = 0;
        byte[] buf = new byte[1 << 16];
        InputStream out = c.stdout();
        for (int n; (n = out.read(buf)) > 0; ) {
            total += n;
        }
        assertThat(total).isEqualTo(50_000_000L);
        assertThat(c.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(0);
    }

    @Test
    void stdinAndStdoutAreOneSocketAndStderrAPipe() throws Exception {
        ChildProcess c = launch("a=$(readlink /proc/$$/fd/0); b=$(readlink /proc/$$/fd/1); c=$(readlink /proc/$$/fd/2); "
                + "printf '%s\\n' \"$a\" \"$b\" \"$c\" >&2; [ -t 1 ] || echo notatty", Map.of());
        assertThat(c.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(0);
        List<String> fds = readAll(c.stderr()).lines().toList();
        assertThat(fds).hasSize(3);
        assertThat(fds.get(0)).startsWith("socket:").isEqualTo(fds.get(1));
        assertThat(fds.get(2)).startsWith("pipe:");
        assertThat(readAll(c.stdout())).isEqualTo("notatty\n");
    }

    @Test
    void aMissingProgramOrDirectoryIsALaunchExceptionThatSaysWhich() {
        assertThatThrownBy(() -> LAUNCHER.launch(new LaunchSpec(List.of("/no/such/program"), dir, Map.of())))
                .isInstanceOf(LaunchException.class).hasMessageContaining("/no/such/program")
                .hasMessageContaining("no such executable file");
        assertThatThrownBy(() -> LAUNCHER.launch(new LaunchSpec(List.of("/bin/true"), dir.resolve("gone"), Map.of())))
                .isInstanceOf(LaunchException.class).hasMessageContaining("working directory");
    }

    @Test
    void exitsAreNoticedWithoutAThreadPerChild() throws Exception {
        int before = Thread.activeCount();
        List<ChildProcess> many = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            many.add(launch("exec sleep 60", Map.of()));
        }
        assertThat(Thread.activeCount() - before).isLessThanOrEqualTo(2);
        many.forEach(c -> c.signal("SIGTERM"));
        for (ChildProcess c : many) {
            assertThat(c.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(128 + 15);
            c.stdout().close();
            c.stderr().close();
        }
        assertThat(LAUNCHER.watching()).isZero();
    }

    @Test
    void childrenOfTheJdkStillGetTheirExitValues() throws Exception {
        ChildProcess ours = launch("exec sleep 60", Map.of());
        Process jdks = new ProcessBuilder("/bin/sh", "-c", "exit 7").start();
        assertThat(jdks.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(jdks.exitValue()).isEqualTo(7); // the reaper left the JDK's child to the JDK
        assertThat(ours.isAlive()).isTrue();
    }

    private ChildProcess launch(String script, Map<String, String> env) {
        ChildProcess c = LAUNCHER.launch(new LaunchSpec(List.of("/bin/sh", "-c", script), dir, env));
        children.add(c);
        return c;
    }

    static String readAll(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
