package dev.supervisor.management;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Asks Jolokia which origin it would allow for a cross-origin request. */
final class AccessPolicyCheck {
    private AccessPolicyCheck() {
    }

    static String allowedOrigin(String jolokiaUrl, String user, String password, String origin) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(jolokiaUrl + "/version").openConnection();
            c.setRequestProperty("Origin", origin);
            c.setRequestProperty("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
            c.getResponseCode();
            String allowed = c.getHeaderField("Access-Control-Allow-Origin");
            c.disconnect();
            return allowed == null ? "" : allowed;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
