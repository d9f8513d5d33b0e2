package dev.supervisor.management.http;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a request that acts (an exec, a write, a login, any POST) may come from where it comes from. A browser
 * attaches the operator's session cookie or cached basic credentials to requests a page on another origin makes, so
 * such a request must not act. Allowed:
 * <ul>
 *   <li>a POST with a JSON content type: a page on another origin can only send one after a CORS preflight, which
 *       our Jolokia policy grants to our own origins only;</li>
 *   <li>a request a browser marks as same-origin, or as user-initiated ({@code Sec-Fetch-Site: none});</li>
 *   <li>a request whose {@code Origin} is our own (the scheme and the {@code Host} it was sent to);</li>
 *   <li>a request with none of these headers: not from a browser (curl, scripts, our CLI).</li>
 * </ul>
 * Read-only GETs are not checked: a page on another origin cannot read their answers (CORS).
 */
public final class CrossSiteCheck {
    private CrossSiteCheck() {
    }

    /** The parts of a request the check looks at; any header may be null. */
    public record Request(String method, String contentType, String origin, String secFetchSite, String referer,
                          String host) {
    }

    /** Empty when allowed, else why not (for a 403 answer). */
    public static Optional<String> refusal(Request r) {
        if ("POST".equalsIgnoreCase(r.method()) && isJson(r.contentType())) {
            return Optional.empty();
        }
        if (r.secFetchSite() != null) {
            String site = r.secFetchSite().trim().toLowerCase(Locale.ROOT);
            return site.equals("same-origin") || site.equals("none") ? Optional.empty()
                    : Optional.of("cross-site request refused (Sec-Fetch-Site: " + site + "): operations and writes "
                    + "need a POST with Content-Type: application/json, or a request from this console's own pages");
        }
        if (r.origin() != null) {
            return sameOrigin(r.origin(), r.host()) ? Optional.empty()
                    : Optional.of("cross-origin request refused (Origin: " + r.origin() + "): operations and writes "
                    + "need a POST with Content-Type: application/json");
        }
        if (r.referer() != null && !sameOrigin(r.referer(), r.host())) {
            return Optional.of("cross-origin request refused (Referer from another origin)");
        }
        return Optional.empty();
    }

    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.equals("text/json") || type.endsWith("+json");
    }

    private static boolean sameOrigin(String url, String host) {
        if (host == null || url == null) {
            return false;
        }
        try {
            URI u = URI.create(url.trim());
            if (u.getScheme() == null || u.getRawAuthority() == null) {
                return false;
            }
            String scheme = u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return false;
            }
            String authority = u.getRawAuthority().toLowerCase(Locale.ROOT);
            String h = host.trim().toLowerCase(Locale.ROOT);
            return authority.equals(h) || authority.equals(withDefaultPort(h, scheme))
                    || withDefaultPort(authority, scheme).equals(h);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String withDefaultPort(String authority, String scheme) {
        boolean hasPort = authority.lastIndexOf(':') > authority.lastIndexOf(']');
        return hasPort ? authority : authority + (scheme.equals("https") ? ":443" : ":80");
    }
}
