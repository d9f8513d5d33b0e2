package dev.supervisor.management.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CrossSiteCheckTest {
    private static final String HOST = "127.0.0.1:8778";

    private static boolean allowed(String method, String type, String origin, String site, String referer) {
        return CrossSiteCheck.refusal(new CrossSiteCheck.Request(method, type, origin, site, referer, HOST)).isEmpty();
    }

    @Test
    void scriptsAndTheCliSendNoBrowserHeadersAndPass() {
        assertThat(allowed("GET", null, null, null, null)).isTrue();
        assertThat(allowed("POST", "application/json", null, null, null)).isTrue();
        assertThat(allowed("POST", "text/plain", null, null, null)).isTrue();
    }

    @Test
    void ourOwnPagesPass() {
        assertThat(allowed("GET", null, null, "same-origin", null)).isTrue();
        assertThat(allowed("GET", null, null, "none", null)).isTrue(); // typed in the address bar
        assertThat(allowed("POST", "text/plain", "http://127.0.0.1:8778", null, null)).isTrue();
        assertThat(allowed("POST", "application/json;charset=UTF-8", "http://evil.example", "cross-site", null)).isTrue();
    }

    @Test
    void anotherSitesPageIsRefusedEvenOnAnotherLocalPort() {
        assertThat(allowed("GET", null, null, "same-site", null)).isFalse();
        assertThat(allowed("GET", null, null, "cross-site", null)).isFalse();
        assertThat(allowed("POST", "text/plain;charset=UTF-8", "http://127.0.0.1:9999", null, null)).isFalse();
        assertThat(allowed("POST", "application/x-www-form-urlencoded", "null", null, null)).isFalse();
        assertThat(allowed("GET", null, null, null, "http://127.0.0.1:9999/attack.html")).isFalse();
        assertThat(allowed("POST", "text/plain", "http://127.0.0.1:8778.evil.example", null, null)).isFalse();
    }
}
