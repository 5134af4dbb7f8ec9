package org.uwsgi4j.plugin.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.uwsgi4j.kernel.api.Options;

/**
 * The router's options, read once; defaults live in the plugin's option table.
 *
 * @param binds           {@code --http}: the addresses to serve HTTP on
 * @param to              {@code --http-to}: the backends (uwsgi protocol); empty: this instance's own socket
 * @param vars            {@code --http-var KEY=VALUE}: added to every forwarded request
 * @param modifier1       {@code --http-modifier1}
 * @param modifier2       {@code --http-modifier2}
 * @param timeout         {@code --http-timeout}: a backend's or a client's silence mid-exchange
 * @param headersTimeout  {@code --http-headers-timeout}: the time a client has to send a whole head
 * @param connectTimeout  {@code --http-connect-timeout}: the time a backend has to accept a connection
 * @param keepAlive       whether client connections are kept between requests ({@code --http-keepalive 0}: not)
 * @param idleTimeout     how long a kept connection may wait for its next request
 * @param autoChunked     {@code --http-auto-chunked}: a response of unknown length is chunked to HTTP/1.1 clients
 * @param autoGzip        {@code --http-auto-gzip}
 * @param gracetime       {@code --http-gracetime}: how long a backend that refused stays skipped
 * @param bufferSize      {@code --http-buffer-size}, else {@code --buffer-size}: the largest request head
 * @param postBuffering   {@code --http-post-buffering}: bodies larger than this are buffered in a temp file
 * @param serverName      SERVER_NAME (uWSGI: the machine's host name)
 * @param https           {@code --https ADDR,CERT,KEY[,CIPHERS[,CA]]}, each loaded
 * @param toHttps         {@code --http-to-https ADDR[,PORT]}, as given
 * @param exportCert      {@code --https-export-cert}: HTTPS_CC, the client's certificate in PEM
 * @param subscriptionServers {@code --http-subscription-server}: UDP addresses for uWSGI's subscription packets
 * @param subscriptionTolerance {@code --subscription-tolerance}: how long a subscribed node stays without announcing itself
 * @param stats           {@code --http-stats}: where the router's stats server listens
 * @param signCheck       {@code --subscriptions-sign-check DIGEST:DIR} (with its tolerance): signed subscriptions only, or null
 */
record RouterSettings(List<String> binds, List<String> to, List<Map.Entry<String, String>> vars, int modifier1, int modifier2,
                      Duration timeout, Duration headersTimeout, Duration connectTimeout, boolean keepAlive, Duration idleTimeout,
                      boolean autoChunked, boolean autoGzip, Duration gracetime, int bufferSize, long postBuffering,
                      String serverName, List<TlsContext> https, List<String> toHttps, boolean exportCert,
                      List<String> subscriptionServers, Duration subscriptionTolerance, java.util.Optional<String> stats,
                      SubscriptionSigns.Checker signCheck) {

    /**
     * The settings {@code options} give.
     *
     * @throws IllegalArgumentException with a one-line message for a value the router cannot use
     */
    static RouterSettings from(Options options, String serverName) {
        List<Map.Entry<String, String>> vars = new ArrayList<>();
        for (String v : options.values("http-var")) {
            int eq = v.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("http-var " + v + ": not KEY=VALUE");
            }
            vars.add(Map.entry(v.substring(0, eq), v.substring(eq + 1)));
        }
        int modifier1 = options.intValue("http-modifier1");
        int modifier2 = options.intValue("http-modifier2");
        if (modifier1 > 255 || modifier2 > 255) {
            throw new IllegalArgumentException("http-modifier1/http-modifier2 " + Math.max(modifier1, modifier2) + " out of range (0-255)");
        }
        Duration timeout = positive(options, "http-timeout");
        Duration headers = options.value("http-headers-timeout").isPresent() ? positive(options, "http-headers-timeout") : timeout;
        Duration connect = options.value("http-connect-timeout").isPresent() ? positive(options, "http-connect-timeout") : timeout;
        boolean keepAlive = true;
        Duration idle = timeout;
        var ka = options.value("http-keepalive").map(String::strip);
        if (ka.isPresent() && !ka.get().isEmpty() && !ka.get().equals("true")) {
            int n;
            try {
                n = Integer.parseInt(ka.get());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("http-keepalive " + ka.get() + ": not a number of seconds");
            }
            if (n < 0) {
                throw new IllegalArgumentException("http-keepalive " + n + ": must be >= 0");
            }
            keepAlive = n != 0;
            if (n > 1) {
                idle = Duration.ofSeconds(n);
            }
        }
        int bufferSize = options.value("http-buffer-size").isPresent() ? options.intValue("http-buffer-size") : options.intValue("buffer-size");
        if (bufferSize < 1 || bufferSize > 65535) {
            throw new IllegalArgumentException("http-buffer-size " + bufferSize + " out of range (1-65535)");
        }
        return new RouterSettings(List.copyOf(options.values("http")), List.copyOf(options.values("http-to")), List.copyOf(vars),
                modifier1, modifier2, timeout, headers, connect, keepAlive, idle, options.isTrue("http-auto-chunked"),
                options.isTrue("http-auto-gzip"), options.seconds("http-gracetime"), bufferSize, options.number("http-post-buffering"),
                serverName, options.values("https").stream().map(TlsContext::parse).toList(), List.copyOf(options.values("http-to-https")),
                options.isTrue("https-export-cert"), List.copyOf(options.values("http-subscription-server")),
                positive(options, "subscription-tolerance"), options.value("http-stats"), signCheck(options));
    }

    private static SubscriptionSigns.Checker signCheck(Options options) {
        var value = options.value("subscriptions-sign-check");
        if (value.isEmpty()) {
            return null;
        }
        long tolerance = options.number("subscriptions-sign-check-tolerance");
        if (tolerance < 0) {
            throw new IllegalArgumentException("subscriptions-sign-check-tolerance " + tolerance + ": must be >= 0");
        }
        return SubscriptionSigns.Checker.parse(value.get().strip(), tolerance);
    }

    private static Duration positive(Options options, String name) {
        int s = options.intValue(name);
        if (s < 1) {
            throw new IllegalArgumentException(name + " " + s + ": must be at least 1 second");
        }
        return Duration.ofSeconds(s);
    }
}
