package dev.supervisor.cli;

import dev.supervisor.config.DaemonSettings;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The boot unit of {@code startup}: starts the daemon, then resurrects the saved apps explicitly (as pm2's unit). */
final class SystemdUnit {
    private SystemdUnit() {
    }

    static String name(String user) {
        return "supervisor-" + user + ".service";
    }

    /**
     * Type=forking: {@code ping} starts the daemon in the background and returns once it answers; systemd then
     * follows the daemon by its pid file. Resurrect is its own step, so a daemon started any other way starts empty.
     */
    static String render(DaemonSettings s, String user, Map<String, String> env) {
        String bin = s.installDir().resolve("bin/supervisor").toString();
        String path = env.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        // The daemon's own settings given by environment (ports, ...) go along, so the boot daemon is this one.
        StringBuilder extra = new StringBuilder();
        new java.util.TreeMap<>(env).forEach((k, v) -> {
            if (k.startsWith("SUPERVISOR_") && !k.equals("SUPERVISOR_HOME")) {
                extra.append("Environment=").append(quote(k + "=" + v)).append('\n');
            }
        });
        return String.join("\n",
                "[Unit]",
                "Description=Supervisor process manager for " + user,
                "Documentation=file://" + s.installDir().resolve("README.md"),
                "After=network.target",
                "",
                "[Service]",
                "Type=forking",
                "User=" + user,
                "LimitNOFILE=infinity",
                "Environment=" + quote("PATH=" + path),
                "Environment=" + quote("HOME=" + home),
                "Environment=" + quote("SUPERVISOR_HOME=" + s.home()),
                extra.toString().strip(),
                "PIDFile=" + s.pidFile(),
                "ExecStart=" + bin + " ping",
                "ExecStartPost=-" + bin + " resurrect",
                "ExecReload=" + bin + " reload all",
                "ExecStop=" + bin + " kill",
                "KillMode=mixed",
                "TimeoutStartSec=120",
                "TimeoutStopSec=60",
                "Restart=on-failure",
                "",
                "[Install]",
                "WantedBy=multi-user.target",
                "").replace("\n\n\n", "\n\n").replaceAll("\n\n(?=PIDFile)", "\n");
    }

    private static String quote(String assignment) {
        return "\"" + assignment.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static boolean systemctl(PrintWriter out, String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "systemctl";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            out.println("[supervisor] systemctl " + String.join(" ", args) + (text.isEmpty() ? "" : ": " + text));
            return p.exitValue() == 0;
        } catch (IOException e) {
            out.println("[supervisor] cannot run systemctl: " + e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
