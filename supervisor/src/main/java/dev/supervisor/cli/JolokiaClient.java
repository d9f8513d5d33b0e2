package dev.supervisor.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Speaks Jolokia's JSON protocol over HttpURLConnection: the same path any script uses with curl. Not the JDK
 * HttpClient, which costs the CLI ~0.6 s of start-up (stack.md).
 */
public final class JolokiaClient {
    private final String url;
    private final String authorization;
    private final ObjectMapper json = new ObjectMapper();
    private final int readTimeoutMillis;

    /** How long one call may take by default: operations that wait (stop, restart) are bounded by kill_timeout. */
    public static final int DEFAULT_READ_TIMEOUT_MILLIS = 120_000;

    /** @param readTimeoutMillis a call that gets no answer within this fails (0: the default) */
    public JolokiaClient(String url, String user, String password, int readTimeoutMillis) {
        this.url = url.endsWith("/") ? url : url + "/";
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.readTimeoutMillis = readTimeoutMillis > 0 ? readTimeoutMillis : DEFAULT_READ_TIMEOUT_MILLIS;
    }

    public JsonNode exec(String mbean, String operation, Object... args) {
        ObjectNode req = json.createObjectNode();
        req.put("type", "exec");
        req.put("mbean", mbean);
        req.put("operation", operation);
        ArrayNode a = req.putArray("arguments");
        for (Object arg : args) {
            a.addPOJO(arg);
        }
        return post(req);
    }

    public JsonNode read(String mbean, String attribute) {
        ObjectNode req = json.createObjectNode();
        req.put("type", "read");
        req.put("mbean", mbean);
        if (attribute != null) {
            req.put("attribute", attribute);
        }
        return post(req);
    }

    private JsonNode post(ObjectNode request) {
        HttpURLConnection c = null;
        try {
            c = (HttpURLConnection) new URL(url).openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(readTimeoutMillis);
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Authorization", authorization);
            c.setRequestProperty("Content-Type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                json.writeValue(out, request);
            }
            int status = c.getResponseCode();
            if (status == 401) {
                throw new DaemonError("the daemon at " + url + " refused our credentials (401): does $SUPERVISOR_HOME/credentials match the running daemon's?");
            }
            if (status != 200) {
                throw new DaemonError("the daemon at " + url + " answered HTTP " + status);
            }
            JsonNode body;
            try (InputStream in = c.getInputStream()) {
                body = json.readTree(in);
            }
            int jstatus = body.path("status").asInt(500);
            if (jstatus != 200) {
                throw new DaemonError(cleanError(body.path("error").asText("error " + jstatus)));
            }
            return body.get("value");
        } catch (java.net.SocketTimeoutException e) {
            throw new DaemonError("the daemon at " + url + " did not answer within " + (readTimeoutMillis >= 1000 ? readTimeoutMillis / 1000 + " s" : readTimeoutMillis + " ms")
                    + " (it may still be working: see 'supervisor list'; set SUPERVISOR_CLI_TIMEOUT=<seconds> to wait longer)");
        } catch (ConnectException e) {
            throw new DaemonUnreachable("no supervisor daemon answers at " + url);
        } catch (IOException e) {
            throw new DaemonError("talking to the daemon at " + url + " failed: " + e.getMessage());
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    /** "java.lang.IllegalArgumentException : Process or namespace 'x' not found" -> the message alone. */
    static String cleanError(String error) {
        String e = error;
        int idx;
        while ((idx = e.indexOf(" : ")) > 0 && e.substring(0, idx).matches("[\\w.$]+(Exception|Error)")) {
            e = e.substring(idx + 3);
        }
        return e;
    }
}
