package dev.supervisor.cli;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code jlist} for the light entry: {@link Pm2Json}'s pm2-shaped list, written byte for byte as the full CLI writes
 * it with Jackson (same members in the same order, numbers as Jackson prints them, strings escaped as Jackson does),
 * from {@link LightJson}'s values. Field access follows Jackson's {@code path(..).asText()/asInt()/asLong()/asDouble()}
 * so that a missing or null member reads the same. Like the rest of the light entry: no lambdas, no
 * {@code String.format}, no {@code +} on strings.
 */
final class LightJlist {
    private LightJlist() {
    }

    /**
     * @param list one map per instance, as the God's {@code list} answers it
     * @param envs an instance's environment text ({@code environment}) by id; absent for none
     * @param now  the time pm_uptime is counted from
     */
    static String write(List<?> list, Map<Long, String> envs, long now) {
        Map<String, Integer> perApp = new HashMap<>();
        for (Object o : list) {
            Map<?, ?> p = (Map<?, ?>) o;
            if (!"draining".equals(text(p, "status"))) {
                String name = text(p, "name");
                Integer n = perApp.get(name);
                perApp.put(name, n == null ? 1 : n + 1);
            }
        }
        StringBuilder b = new StringBuilder(512 * (list.size() + 1)).append('[');
        boolean first = true;
        for (Object o : list) {
            Map<?, ?> p = (Map<?, ?>) o;
            String status = text(p, "status");
            if ("draining".equals(status)) {
                continue;
            }
            if (!first) {
                b.append(',');
            }
            first = false;
            int id = integer(p, "id");
            String name = text(p, "name");
            long uptime = longValue(p, "uptimeMillis");
            b.append("{\"pid\":").append(longValue(p, "pid"));
            b.append(",\"name\":");
            LightJson.quote(b, name);
            b.append(",\"pm_id\":").append(id);
            b.append(",\"monit\":{\"memory\":").append(longValue(p, "memoryBytes"));
            b.append(",\"cpu\":").append(Double.toString(doubleValue(p, "cpuPercent"))).append('}');
            b.append(",\"pm2_env\":{\"name\":");
            LightJson.quote(b, name);
            b.append(",\"pm_id\":").append(id);
            b.append(",\"namespace\":");
            LightJson.quote(b, text(p, "namespace"));
            b.append(",\"status\":");
            LightJson.quote(b, status);
            b.append(",\"restart_time\":").append(integer(p, "restarts"));
            b.append(",\"unstable_restarts\":").append(integer(p, "unstableRestarts"));
            b.append(",\"pm_uptime\":").append(uptime > 0 ? now - uptime : longValue(p, "createdAt"));
            b.append(",\"created_at\":").append(longValue(p, "createdAt"));
            Integer instances = perApp.get(name);
            b.append(",\"instances\":").append(instances == null ? 1 : instances.intValue());
            b.append(",\"exec_mode\":\"fork_mode\"");
            b.append(",\"NODE_APP_INSTANCE\":").append(integer(p, "instanceIndex"));
            b.append(",\"pm_out_log_path\":");
            LightJson.quote(b, text(p, "outLog"));
            b.append(",\"pm_err_log_path\":");
            LightJson.quote(b, text(p, "errLog"));
            Integer exit = exitCode(text(p, "lastExit"));
            b.append(",\"exit_code\":");
            if (exit == null) {
                b.append("null");
            } else {
                b.append(exit.intValue());
            }
            if (integer(p, "privatePort") > 0) {
                b.append(",\"PORT\":").append(integer(p, "privatePort"));
            }
            b.append(",\"env\":{");
            String env = envs.get(Long.valueOf(id));
            if (env != null) {
                boolean firstVar = true;
                for (Map.Entry<String, String> v : parseEnv(env).entrySet()) {
                    if (!firstVar) {
                        b.append(',');
                    }
                    firstVar = false;
                    LightJson.quote(b, v.getKey());
                    b.append(':');
                    LightJson.quote(b, v.getValue());
                }
            }
            b.append("}}}");
        }
        return b.append(']').toString();
    }

    /** SupervisorCli.parseEnv: KEY=value lines, the first '=' splits, a repeated key keeps its place and the last value. */
    static Map<String, String> parseEnv(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        int from = 0;
        while (from <= text.length()) {
            int nl = text.indexOf('\n', from);
            String line = nl < 0 ? text.substring(from) : text.substring(from, nl);
            int eq = line.indexOf('=');
            if (eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
            if (nl < 0) {
                break;
            }
            from = nl + 1;
        }
        return m;
    }

    /** Jackson's asText(): a string as it is, a number or boolean as text, null as "null", missing as "". */
    private static String text(Map<?, ?> p, String key) {
        Object v = p.get(key);
        if (v == null) {
            return "";
        }
        if (v == LightJson.NULL) {
            return "null";
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Long || v instanceof Double || v instanceof Boolean) {
            return v.toString();
        }
        return ""; // an object or array: Jackson's asText() is "" for containers
    }

    /** Jackson's asLong(): a number's long value, a numeric string parsed, a boolean 1/0, else 0. */
    private static long longValue(Map<?, ?> p, String key) {
        Object v = p.get(key);
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d) {
            return d.longValue();
        }
        if (v instanceof Boolean bool) {
            return bool ? 1 : 0;
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private static int integer(Map<?, ?> p, String key) {
        Object v = p.get(key);
        if (v instanceof Long l) {
            return l.intValue();
        }
        if (v instanceof Double d) {
            return d.intValue();
        }
        if (v instanceof Boolean bool) {
            return bool ? 1 : 0;
        }
        if (v instanceof String s) {
            try {
                return Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    private static double doubleValue(Map<?, ?> p, String key) {
        Object v = p.get(key);
        if (v instanceof Long l) {
            return l.doubleValue();
        }
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }
        return 0;
    }

    /** Pm2Json.exitCode. */
    private static Integer exitCode(String lastExit) {
        if (lastExit.startsWith("exit code ")) {
            try {
                return Integer.valueOf(Integer.parseInt(lastExit.substring(10).trim()));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
