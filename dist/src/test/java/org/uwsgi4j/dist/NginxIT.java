package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Debian's real nginx with {@code uwsgi_pass} in front of a {@code --socket} (uwsgi protocol). */
class NginxIT {

    @TempDir
    Path cwd;

    @Test
    void nginxUwsgiPassReachesTheEchoRuntime() throws Exception {
        try (var server = UwsgiProcess.start(cwd, "--socket", "127.0.0.1:0", "--plugins", "echo")) {
            int uwsgiPort = Integer.parseInt(server.awaitLine("uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            try (var nginx = Nginx.start(cwd, uwsgiPort, "uwsgi_modifier1 101;")) {
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginx.port + "/hello%20there?x=1"))
                        .POST(HttpRequest.BodyPublishers.ofString("posted")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                assertTrue(r.body().contains("REQUEST_METHOD: POST\n"), r.body());
                assertTrue(r.body().contains("PATH_INFO: /hello there\n"), r.body());
                assertTrue(r.body().contains("QUERY_STRING: x=1\n"), r.body());
                assertTrue(r.body().endsWith("\n\nposted"), r.body());
                server.awaitLine("\\{\\d+ vars in \\d+ bytes\\} .* POST /hello%20there\\?x=1 => generated \\d+ bytes", Duration.ofSeconds(5));
            }
        }
    }
}
