package org.uwsgi4j.plugin.alarm;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.plugin.alarm.api.AlarmAction;

/**
 * {@code curl:URL} or {@code curl:url=URL;method=M;timeout=S;conn_timeout=S;auth_user=U;auth_pass=P}
 * (uWSGI's alarm_curl plugin, {@code ;}-separated; a first item without {@code =} is the URL):
 * an HTTP request with the message as its body, through the JDK's client. The method is
 * {@code POST} unless {@code method=} says otherwise; both timeouts default to
 * {@code --socket-timeout} (4 s), as in uWSGI. {@code auth_user}/{@code auth_pass} send HTTP
 * Basic credentials. A transport error or an answer of 400 or above is the action failing (one
 * line); a success logs nothing (uWSGI neither).
 *
 * <p>Refused at start with one line: SMTP ({@code smtp://}, {@code mail_to}, {@code mail_from},
 * {@code subject}, {@code ssl}) and {@code ssl_insecure} (the JDK's client always checks
 * certificates and host names), and any other key: none is accepted and ignored.
 */
@Component(property = AlarmAction.TYPE + "=curl")
public final class CurlAction implements AlarmAction {

    private final HttpClient client;
    private final int socketTimeout;

    @Activate
    public CurlAction(@Reference Options options) {
        this.socketTimeout = Math.max(1, options.intValue("socket-timeout"));
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(socketTimeout)).build();
    }

    @Deactivate
    void deactivate() {
        client.shutdownNow();
    }

    /** A parsed {@code curl:} argument. */
    record Settings(URI url, String method, int timeout, int connTimeout, String authorization) {
    }

    @Override
    public Raise prepare(String name, String args) {
        Settings s = parse(args, socketTimeout);
        HttpClient c = s.connTimeout() == socketTimeout ? client
                : HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(s.connTimeout())).build();
        return message -> send(c, s, message);
    }

    static Settings parse(String args, int socketTimeout) {
        String url = null;
        String method = "POST";
        int timeout = socketTimeout;
        int connTimeout = socketTimeout;
        String user = null;
        String pass = "";
        for (String item : args.split(";")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq < 0 || url == null && !item.startsWith("url=")) { // uWSGI: the first item is the URL
                url = item.strip();
                continue;
            }
            String key = item.substring(0, eq).strip();
            String value = item.substring(eq + 1);
            switch (key) {
                case "url" -> url = value.strip();
                case "method" -> method = value.strip().toUpperCase(Locale.ROOT);
                case "timeout" -> timeout = seconds(key, value);
                case "conn_timeout" -> connTimeout = seconds(key, value);
                case "auth_user" -> user = value;
                case "auth_pass" -> pass = value;
                case "mail_to", "mail_from", "subject", "ssl" ->
                        throw new IllegalArgumentException("curl alarm: " + key + " is for SMTP, which uwsgi4j's curl alarm does not speak");
                case "ssl_insecure" ->
                        throw new IllegalArgumentException("curl alarm: ssl_insecure is not supported (the JDK's HTTP client always checks certificates)");
                default -> throw new IllegalArgumentException("curl alarm: unknown option " + key);
            }
        }
        if (url == null || url.isEmpty()) {
            throw new IllegalArgumentException("An URL is required to trigger curl-based alarm.");
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("curl alarm: invalid url " + url);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("curl alarm: " + url + " is no http:// or https:// URL"
                    + (scheme.startsWith("smtp") ? " (SMTP is not supported)" : ""));
        }
        if (!method.matches("[A-Z]+")) {
            throw new IllegalArgumentException("curl alarm: invalid method " + method);
        }
        String auth = user == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass).getBytes(StandardCharsets.UTF_8));
        return new Settings(uri, method, timeout, connTimeout, auth);
    }

    private static int seconds(String key, String value) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("curl alarm: " + key + "=" + value + " is no number of seconds");
    }

    private static void send(HttpClient client, Settings s, String message) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(s.url()).timeout(Duration.ofSeconds(s.timeout()))
                .method(s.method(), HttpRequest.BodyPublishers.ofString(message, StandardCharsets.UTF_8));
        if (s.authorization() != null) {
            b.header("Authorization", s.authorization());
        }
        HttpResponse<Void> response;
        try {
            response = client.send(b.build(), HttpResponse.BodyHandlers.discarding());
        } catch (HttpTimeoutException e) {
            throw new IOException("request to " + s.url() + " failed: timed out after " + s.timeout() + " s");
        } catch (IOException e) {
            String why = e.getMessage() == null || e.getMessage().isEmpty() ? e.getClass().getSimpleName() : e.getMessage();
            throw new IOException("request to " + s.url() + " failed: " + why);
        }
        if (response.statusCode() >= 400) {
            throw new IOException(s.url() + " answered HTTP " + response.statusCode());
        }
    }
}
