package dev.supervisor.management.hostile;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Another origin on the loopback: serves pages that try to drive the daemon from the operator's browser. */
final class AttackerSite implements AutoCloseable {
    private final HttpServer server;

    AttackerSite() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/attack", exchange -> {
            Map<String, String> q = new HashMap<>();
            for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                q.put(pair.substring(0, eq), java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            byte[] page = html(q.get("kind"), q.get("target"), q.get("body")).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
        });
        server.start();
    }

    String page(String kind, String target, String body) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/attack?kind=" + kind + "&target="
                + URLEncoder.encode(target, StandardCharsets.UTF_8) + "&body=" + URLEncoder.encode(body, StandardCharsets.UTF_8);
    }

    private static String html(String kind, String target, String body) {
        String t = js(target);
        String script = switch (kind) {
            case "navigate" -> "location.href = " + t + ";";
            case "form" -> {
                // enctype text/plain: "name=value" with the JSON split so that the '=' lands inside a string.
                int cut = body.length() - 1;
                String name = body.substring(0, cut) + ",\"x\":\"";
                String value = "\"}";
                yield "var f = document.createElement('form'); f.method = 'POST'; f.enctype = 'text/plain';"
                        + "f.action = " + t + "; var i = document.createElement('input'); i.type = 'hidden';"
                        + "i.name = " + js(name) + "; i.value = " + js(value) + "; f.appendChild(i);"
                        + "document.body.appendChild(f); f.submit();";
            }
            case "fetch" -> "fetch(" + t + ", {method: 'POST', mode: 'no-cors', credentials: 'include', body: "
                    + js(body) + "}).finally(function () { document.title = 'settled'; });";
            case "fetch40m" -> "fetch(" + t + ", {method: 'POST', mode: 'no-cors', credentials: 'include', "
                    + "body: 'x'.repeat(40 * 1024 * 1024)}).finally(function () { document.title = 'settled'; });";
            default -> throw new IllegalArgumentException(kind);
        };
        return "<!doctype html><html><head><title>attacker</title></head><body><script>" + script
                + "</script></body></html>";
    }

    private static String js(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
