package dev.supervisor.readiness;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.Proxy;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Ready when a GET of the URL answers 2xx. Redirects are not followed: a health URL should answer itself.
 * Uses {@link HttpURLConnection} (java.net.http.HttpClient is slow to load and leaves a selector thread), no
 * proxy, no connection reuse. The last answer is part of {@link #describe()}, so a timeout says e.g. "(last
 * answer: HTTP 503)".
 */
public final class ReadyUrlProbe extends PollingProbe {
    private static final int CONNECT_TIMEOUT_MS = 200;
    /** A request that hangs this long is retried; it holds one scheduler thread meanwhile. */
    private static final int READ_TIMEOUT_MS = 1000;

    private final URI uri;
    private final URL url;
    private volatile String lastAnswer = "none yet";

    public ReadyUrlProbe(URI url, Duration interval, ScheduledExecutorService scheduler) {
        super(scheduler, interval);
        this.uri = url;
        try {
            this.url = url.toURL();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("ready_url '" + url + "' is not a usable http URL: " + e.getMessage(), e);
        }
        if (!"http".equals(this.url.getProtocol()) && !"https".equals(this.url.getProtocol())) {
            throw new IllegalArgumentException("ready_url '" + url + "' must be an http or https URL");
        }
    }

    @Override
    void poll() {
        HttpURLConnection connection = null;
        try {
            connection = (HttpURLConnection) url.openConnection(Proxy.NO_PROXY);
            connection.setConnectTimeout(CONNECT_TIMEOUT_MS);
            connection.setReadTimeout(READ_TIMEOUT_MS);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setRequestProperty("Connection", "close");
            int status = connection.getResponseCode();
            lastAnswer = "HTTP " + status;
            if (status >= 200 && status < 300) {
                markReady();
            }
        } catch (IOException e) {
            lastAnswer = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
        }
    }

    @Override
    public String describe() {
        return "GET " + uri + " to answer 2xx (last answer: " + lastAnswer + ")";
    }
}
