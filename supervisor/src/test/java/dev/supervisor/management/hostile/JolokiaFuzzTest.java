package dev.supervisor.management.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.supervisor.mbeans.ProcessInfo;
import dev.supervisor.testing.Fixtures;
import dev.supervisor.testing.Http;
import dev.supervisor.testing.TestDaemon;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A few thousand hostile Jolokia requests from a fixed seed: malformed JSON, huge and deep bodies, bad ObjectNames,
 * wrong argument types and counts, unknown operations and types, bulk requests mixing them with good ones. Every
 * answer is a 4xx, or a 200 whose entries are each 200 or 4xx: never a 500, never a dropped connection. The app is
 * untouched and the heap, after GC, is back where it started.
 */
class JolokiaFuzzTest {
    private static final long SEED = 20261130L;
    private static final int REQUESTS = 2500;
    private static final ObjectMapper JSON = new ObjectMapper();

    static TestDaemon daemon;

    @BeforeAll
    static void start() {
        daemon = TestDaemon.start();
        daemon.godBean().start(Fixtures.appsFile(daemon.home().resolve("apps"), Fixtures.app("hello")).toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> daemon.process("hello", 0).getStatus().equals("online"));
    }

    @AfterAll
    static void stop() {
        daemon.close();
    }

    @Test
    void everyHostileRequestIsAClientErrorAndNothingIsDisturbed() throws Exception {
        ProcessInfo before = daemon.process("hello", 0);
        // Warm up (classes, caches), then measure the heap the daemon holds at rest.
        for (int i = 0; i < 50; i++) {
            send(new Random(i), i);
        }
        long heapBefore = heapAfterGc();

        Random random = new Random(SEED);
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < REQUESTS && failures.size() < 20; i++) {
            String problem = send(random, i);
            if (problem != null) {
                failures.add(problem);
            }
        }
        assertThat(failures).as("answers that were not client errors").isEmpty();

        ProcessInfo after = daemon.process("hello", 0);
        assertThat(after.getPid()).isEqualTo(before.getPid());
        assertThat(after.getStatus()).isEqualTo("online");
        assertThat(daemon.godBean().getAppNames()).containsExactly("hello");
        long heapAfter = heapAfterGc();
        assertThat(heapAfter).as("heap after GC: %d MB before, %d MB after", heapBefore >> 20, heapAfter >> 20)
                .isLessThan(heapBefore + (16L << 20));
    }

    /** One request; null when the answer is as it must be, else what went wrong. */
    private static String send(Random random, int i) throws Exception {
        int kind = random.nextInt(10);
        Http.Response r;
        String what;
        if (kind == 0) {
            what = "GET " + path(random);
            r = Http.get(daemon.jolokiaUrl() + "/" + what.substring(4), daemon.user(), daemon.password());
        } else {
            String body = body(random, kind);
            what = "POST " + (body.length() > 200 ? body.substring(0, 200) + "… (" + body.length() + " chars)" : body);
            if (body.length() > 200_000) {
                // A body the server refuses before reading it all: read the answer while still sending.
                RawHttp.Response raw = RawHttp.send(URI.create(daemon.jolokiaUrl()).getPort(), "POST", "/jolokia/",
                        Map.of("Content-Type", "application/json", "Authorization", HostileInputIT.basic(daemon.user(),
                                daemon.password())), body.getBytes(StandardCharsets.UTF_8), body.length(), (byte) ' ', false);
                r = new Http.Response(raw.status(), raw.body());
            } else {
                r = Http.post(daemon.jolokiaUrl(), body, daemon.user(), daemon.password());
            }
        }
        if (r.status() < 0) {
            return "#" + i + " dropped: " + what + " -> " + r.body();
        }
        if (r.status() >= 500) {
            return "#" + i + " HTTP " + r.status() + ": " + what + " -> " + r.body();
        }
        if (r.status() >= 400) {
            // Ours are JSON with an "error"; the JDK's own refusal of a malformed URI is an HTML page saying so.
            return r.body().contains("\"error\"") || r.body().contains("URISyntaxException") ? null
                    : "#" + i + " HTTP " + r.status() + " without a message: " + what + " -> " + r.body();
        }
        JsonNode answer = JSON.readTree(r.body());
        for (JsonNode entry : answer.isArray() ? answer : List.of(answer)) {
            int status = entry.path("status").asInt();
            if (status != 200 && (status < 400 || status >= 500)) {
                return "#" + i + " entry status " + status + ": " + what + " -> " + entry;
            }
        }
        return null;
    }

    private static final String[] MBEANS = {"supervisor:type=God", "supervisor:type=App,name=hello",
        "supervisor:type=App,name=nope", "supervisor:type=Process,app=hello,id=0", "java.lang:type=Memory",
        "java.lang:type=Runtime", "com.sun.management:type=DiagnosticCommand", ":::", "supervisor:", "supervisor:type=",
        "*:*", "a,b=c", "supervisor:type=App,name=\"unterminated", "x".repeat(300)};
    /** Harmless operations (none changes what runs) plus nonsense. */
    private static final String[] OPERATIONS = {"scale", "sendSignal", "frobnicate", "start", "startWith",
        "beginReload", "reloadStatus", "", "scale(int)", "scale(java.lang.String)", "toString"};
    private static final String[] TYPES = {"read", "write", "exec", "list", "search", "version", "nope", "", "EXEC"};

    private static String body(Random random, int kind) {
        return switch (kind) {
            case 1 -> truncated(random);
            case 2 -> garbage(random);
            case 3 -> random.nextInt(20) == 0 ? "[".repeat(100_000) : "{\"a\":".repeat(401 + random.nextInt(200)) + "1";
            case 4 -> random.nextInt(50) == 0 ? "[" + " ".repeat(300 * 1024) + "]" : request(random).toString();
            case 5, 6 -> badExec(random).toString();
            case 7, 8 -> bulk(random);
            default -> request(random).toString();
        };
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode request(Random random) {
        var r = JSON.createObjectNode();
        r.put("type", pick(random, TYPES));
        if (random.nextInt(5) > 0) {
            r.put("mbean", pick(random, MBEANS));
        }
        switch (random.nextInt(4)) {
            case 0 -> r.put("attribute", pick(random, new String[] {"Pid", "Nope", "SystemProperties", "HeapMemoryUsage", ""}));
            case 1 -> r.putArray("attribute").add("Pid").add(random.nextInt());
            case 2 -> r.put("attribute", random.nextInt());
            default -> {
            }
        }
        if (random.nextBoolean()) {
            r.put("value", random.nextInt());
        }
        if (random.nextBoolean()) {
            r.put("operation", pick(random, OPERATIONS));
        }
        return r;
    }

    /** An exec with a wrong argument count or type, on an MBean whose operations would otherwise run. */
    private static com.fasterxml.jackson.databind.node.ObjectNode badExec(Random random) {
        var r = JSON.createObjectNode();
        r.put("type", "exec");
        r.put("mbean", random.nextBoolean() ? "supervisor:type=App,name=hello" : "supervisor:type=God");
        String op = pick(random, OPERATIONS);
        r.put("operation", op);
        var args = r.putArray("arguments");
        switch (random.nextInt(6)) {
            case 0 -> args.add("abc").add("def");
            case 1 -> args.add(random.nextDouble() * 1e12);
            case 2 -> args.addObject().put("x", 1);
            case 3 -> args.add(-random.nextInt(1000) - 1);
            case 4 -> args.add("NOSIG" + random.nextInt(100));
            default -> args.add(99_999_999_999L);
        }
        if (op.equals("scale") && args.size() == 1 && args.get(0).isNumber() && args.get(0).asLong() >= 0
                && args.get(0).asLong() <= 1024) {
            args.add(1); // a valid scale would change the app: make it a wrong count
        }
        if (op.equals("start") && args.size() == 1 && args.get(0).isTextual()) {
            args.set(0, JSON.getNodeFactory().textNode("/nonexistent/" + args.get(0).asText()));
        }
        return r;
    }

    private static String bulk(Random random) {
        var list = JSON.createArrayNode();
        int n = 1 + random.nextInt(6);
        for (int i = 0; i < n; i++) {
            switch (random.nextInt(4)) {
                case 0 -> list.addObject().put("type", "read").put("mbean", "supervisor:type=God").put("attribute", "Pid");
                case 1 -> list.add(badExec(random));
                case 2 -> list.add(request(random));
                default -> list.add(random.nextInt());
            }
        }
        return list.toString();
    }

    private static String truncated(Random random) {
        String full = request(random).toString();
        return full.substring(0, Math.max(1, random.nextInt(full.length())));
    }

    private static String garbage(Random random) {
        String alphabet = "{}[]\",:\\ abc123-.etrufnl\u00e9\u0000\n";
        StringBuilder b = new StringBuilder();
        int n = 1 + random.nextInt(200);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static String path(Random random) {
        String type = pick(random, TYPES);
        String mbean = pick(random, MBEANS).replace("\"", "%22");
        String tail = switch (random.nextInt(4)) {
            case 0 -> "/" + pick(random, OPERATIONS) + "/abc/2/3";
            case 1 -> "/Nope";
            case 2 -> "/%ZZ";
            default -> "";
        };
        if (type.equalsIgnoreCase("exec") && tail.isEmpty()) {
            tail = "/frobnicate";
        }
        return (type + "/" + mbean + tail).replace(" ", "%20").replace("\\", "%5C");
    }

    private static <T> T pick(Random random, T[] values) {
        return values[random.nextInt(values.length)];
    }

    private static long heapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            least = Math.min(least, memory.getHeapMemoryUsage().getUsed());
        }
        return least;
    }
}
