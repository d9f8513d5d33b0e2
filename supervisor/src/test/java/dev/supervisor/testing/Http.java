package dev.supervisor.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Plain HTTP for tests: a status and a body, never an exception for 4xx/5xx. */
public final class Http {
    public record Response(int status, String body) {
    }

    private Http() {
    }

    public static Response get(String url) {
        return send("GET", url, null, null, null);
    }

    public static Response get(String url, String user, String password) {
        return send("GET", url, null, user, password);
    }

    public static Response post(String url, String json, String user, String password) {
        return send("POST", url, json, user, password);
    }

    public static Response send(String method, String url, String body, String user, String password) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
            c.setRequestMethod(method);
            c.setConnectTimeout(5000);
            c.setReadTimeout(120_000);
            if (user != null) {
                c.setRequestProperty("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
            }
            if (body != null) {
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", "application/json");
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body.getBytes(StandardCharsets.UTF_8));
                }
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new Response(status, text);
        } catch (IOException e) {
            return new Response(-1, e.toString());
        }
    }
}
