package dev.supervisor.management.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A browser-less hawtio user: keeps the session cookie like a browser would. */
final class ConsoleClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final CookieManager cookies = new CookieManager();
    private final HttpClient http;

    ConsoleClient(String consoleUrl) {
        this.base = consoleUrl.endsWith("/") ? consoleUrl.substring(0, consoleUrl.length() - 1) : consoleUrl;
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    HttpResponse<String> login(String user, String password) throws IOException, InterruptedException {
        String body = JSON.createObjectNode().put("username", user).put("password", password).toString();
        return http.send(HttpRequest.newBuilder(URI.create(base + "/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A Jolokia GET request, e.g. {@code read/java.lang:type=Memory}; fails unless HTTP says 200. */
    JsonNode jolokia(String request) throws IOException, InterruptedException {
        HttpResponse<String> response = get("/jolokia/" + request);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /jolokia/" + request + " answered HTTP " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }

    boolean hasSessionCookie() {
        return cookies.getCookieStore().getCookies().stream().anyMatch(c -> c.getName().equals("JSESSIONID"));
    }
}
