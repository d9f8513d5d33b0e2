package dev.supervisor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * {@code jlist}/{@code prettylist}: the process list in pm2's shape, so jq scripts written for {@code pm2 jlist}
 * ({@code .[].pm2_env.status}, {@code .[] | select(.name=="web") | .pid}) keep working.
 */
final class Pm2Json {
    private Pm2Json() {
    }

    /**
     * @param list one ProcessInfo per instance, as the God's {@code list} returns it (draining ones are left out:
     *             pm2 hides its {@code _old_} entries too)
     * @param env  an instance's environment by id (null for none)
     */
    static ArrayNode convert(JsonNode list, IntFunction<Map<String, String>> env) {
        ObjectMapper json = new ObjectMapper();
        Map<String, Integer> perApp = new HashMap<>();
        for (JsonNode p : list) {
            if (!"draining".equals(p.path("status").asText())) {
                perApp.merge(p.path("name").asText(), 1, Integer::sum);
            }
        }
        ArrayNode out = json.createArrayNode();
        long now = System.currentTimeMillis();
        for (JsonNode p : list) {
            String status = p.path("status").asText();
            if ("draining".equals(status)) {
                continue;
            }
            int id = p.path("id").asInt();
            String name = p.path("name").asText();
            long uptime = p.path("uptimeMillis").asLong();
            ObjectNode o = out.addObject();
            o.put("pid", p.path("pid").asLong());
            o.put("name", name);
            o.put("pm_id", id);
            ObjectNode monit = o.putObject("monit");
            monit.put("memory", p.path("memoryBytes").asLong(0));
            monit.put("cpu", p.path("cpuPercent").asDouble(0));
            ObjectNode e = o.putObject("pm2_env");
            e.put("name", name);
            e.put("pm_id", id);
            e.put("namespace", p.path("namespace").asText());
            e.put("status", status);
            e.put("restart_time", p.path("restarts").asInt());
            e.put("unstable_restarts", p.path("unstableRestarts").asInt());
            e.put("pm_uptime", uptime > 0 ? now - uptime : p.path("createdAt").asLong());
            e.put("created_at", p.path("createdAt").asLong());
            e.put("instances", perApp.getOrDefault(name, 1));
            e.put("exec_mode", "fork_mode");
            e.put("NODE_APP_INSTANCE", p.path("instanceIndex").asInt());
            e.put("pm_out_log_path", p.path("outLog").asText());
            e.put("pm_err_log_path", p.path("errLog").asText());
            e.put("exit_code", exitCode(p.path("lastExit").asText()));
            if (p.path("privatePort").asInt() > 0) {
                e.put("PORT", p.path("privatePort").asInt());
            }
            Map<String, String> vars = env == null ? null : env.apply(id);
            ObjectNode envNode = e.putObject("env");
            if (vars != null) {
                vars.forEach(envNode::put);
            }
        }
        return out;
    }

    private static Integer exitCode(String lastExit) {
        if (lastExit.startsWith("exit code ")) {
            try {
                return Integer.parseInt(lastExit.substring("exit code ".length()).trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
