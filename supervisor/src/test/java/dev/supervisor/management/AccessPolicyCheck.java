package dev.supervisor.management;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Asks Jolokia which origin it allows for a cross-origin request. Raw HTTP: HttpURLConnection drops the
 * Origin header (a restricted header), which would make the check pass for the wrong reason.
 */
final class AccessPolicyCheck {
    private AccessPolicyCheck() {
    }

    static String allowedOrigin(String jolokiaUrl, String user, String password, String origin) {
        URI uri = URI.create(jolokiaUrl + "/version");
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            s.getOutputStream().write(("GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nOrigin: " + origin + "\r\nAuthorization: Basic " + auth + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (!response.startsWith("HTTP/1.1 200")) {
                throw new IllegalStateException("unexpected answer: " + response);
            }
            for (String line : response.split("\r\n")) {
                if (line.isEmpty()) {
                    break;
                }
                if (line.toLowerCase().startsWith("access-control-allow-origin:")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
            return "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
