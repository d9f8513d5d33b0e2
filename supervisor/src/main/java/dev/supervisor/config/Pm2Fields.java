package dev.supervisor.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Every field of pm2's ecosystem schema (pm2 7's lib/API/schema.json), and what this supervisor does with it:
 * supported, an alias of a supported one, or accepted and ignored for a stated reason (one warning per file).
 */
public final class Pm2Fields {
    /** Fields read by {@link AppsFileLoader} (pm2's names, plus our own readiness/front/log fields). */
    public static final Set<String> SUPPORTED = Set.of("name", "script", "args", "cwd", "interpreter", "interpreter_args",
            "node_args", "env", "instances", "port", "namespace", "front", "autorestart", "autostart", "max_restarts",
            "min_uptime", "restart_delay", "exp_backoff_restart_delay", "kill_timeout", "kill_signal",
            "stop_exit_codes", "wait_ready", "listen_timeout", "ready_url", "ready_pattern", "graceful_timeout",
            "out_file", "error_file", "log_file", "merge_logs", "log_date_format", "time", "log_max_size", "log_retain",
            "max_memory_restart", "instance_var", "increment_var", "cron_restart", "watch", "ignore_watch", "watch_delay",
            "filter_env", "append_env_to_name");

    /** pm2's aliases (schema.json "alias"), renamed to the supported name before reading. */
    public static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("exec", "script"), Map.entry("exec_interpreter", "interpreter"),
            Map.entry("interpreterArgs", "interpreter_args"),
            Map.entry("out", "out_file"), Map.entry("output", "out_file"), Map.entry("out_log", "out_file"),
            Map.entry("error", "error_file"), Map.entry("err", "error_file"), Map.entry("err_file", "error_file"),
            Map.entry("err_log", "error_file"), Map.entry("log", "log_file"), Map.entry("cron", "cron_restart"),
            Map.entry("combine_logs", "merge_logs"), Map.entry("pid", "pid_file"), Map.entry("user", "uid"));

    /** Accepted, with no effect here, and why (shown in the one warning a file gets). */
    public static final Map<String, String> IGNORED = ignored();

    private Pm2Fields() {
    }

    private static Map<String, String> ignored() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("exec_mode", "instances always run as separate processes; the front on 'port' shares the port as cluster mode did");
        String node = "Node-specific: pass --enable-source-maps in node_args";
        m.put("source_map_support", node);
        m.put("disable_source_map_support", node);
        String git = "no versioning metadata is kept: deploy with your own tooling, then reload";
        m.put("vizion", git);
        m.put("post_update", git);
        String pmx = "PM2.io monitoring: metrics are MBeans here (Jolokia, JMX, hawtio)";
        for (String f : new String[]{"pmx", "automation", "trace", "disable_trace", "v8", "event_loop_inspector", "deep_monitoring", "io"}) {
            m.put(f, pmx);
        }
        m.put("treekill", "always on: each instance's whole process group is signalled");
        m.put("force", "a running app is reloaded with the new config; a name used by another script is refused");
        m.put("pid_file", "pids are in list, jlist and the Process MBeans");
        m.put("shutdown_with_message", "stop sends kill_signal (set kill_signal instead)");
        m.put("log_type", "logs are plain text lines");
        m.put("disable_logs", "logs are always kept, rotated by size (log_max_size, log_retain)");
        m.put("kill_retry_time", "SIGKILL follows kill_timeout once");
        m.put("windowsHide", "Windows only");
        String user = "apps run as the daemon's user (run one daemon per user)";
        m.put("uid", user);
        m.put("gid", user);
        m.put("username", user);
        m.put("watch_options", "chokidar options: the watcher here uses the OS's file events");
        String internal = "pm2-internal";
        for (String f : new String[]{"name_prefix", "install_url", "execute_command", "write", "version", "node_version"}) {
            m.put(f, internal);
        }
        return Map.copyOf(m);
    }

    public static boolean isKnown(String field) {
        return SUPPORTED.contains(field) || IGNORED.containsKey(field) || ALIASES.containsKey(field) || field.startsWith("env_");
    }
}
