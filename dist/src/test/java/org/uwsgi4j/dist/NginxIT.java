package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
            int httpPort;
            try (var probe = new ServerSocket(0)) {
                httpPort = probe.getLocalPort();
            }
            Path prefix = Files.createDirectories(cwd.resolve("nginx"));
            Files.createDirectories(prefix.resolve("logs"));
            Files.writeString(prefix.resolve("nginx.conf"), """
                    daemon off;
                    master_process off;
                    pid %1$s/nginx.pid;
                    error_log stderr warn;
                    events { worker_connections 64; }
                    http {
                      access_log off;
                      client_body_temp_path %1$s/body;
                      uwsgi_temp_path %1$s/uwsgi;
                      proxy_temp_path %1$s/proxy;
                      fastcgi_temp_path %1$s/fastcgi;
                      scgi_temp_path %1$s/scgi;
                      server {
                        listen 127.0.0.1:%2$d;
                        location / {
                          include /etc/nginx/uwsgi_params;
                          uwsgi_modifier1 101;
                          uwsgi_pass 127.0.0.1:%3$d;
                        }
                      }
                    }
                    """.formatted(prefix, httpPort, uwsgiPort));
            Process nginx = new ProcessBuilder("/usr/sbin/nginx", "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString())
                    .redirectErrorStream(true).redirectOutput(prefix.resolve("nginx.out").toFile()).start();
            try {
                HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                HttpResponse<String> r = null;
                for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); r == null; ) {
                    try {
                        r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/hello%20there?x=1"))
                                .POST(HttpRequest.BodyPublishers.ofString("posted")).build(), HttpResponse.BodyHandlers.ofString());
                    } catch (java.net.ConnectException notYet) {
                        if (System.nanoTime() > deadline || !nginx.isAlive()) {
                            throw new AssertionError("nginx did not come up: " + Files.readString(prefix.resolve("nginx.out")), notYet);
                        }
                        Thread.sleep(50); // polling for nginx to listen, bounded by the deadline
                    }
                }
                assertEquals(200, r.statusCode(), r.body());
                assertTrue(r.body().contains("REQUEST_METHOD: POST\n"), r.body());
                assertTrue(r.body().contains("PATH_INFO: /hello there\n"), r.body());
                assertTrue(r.body().contains("QUERY_STRING: x=1\n"), r.body());
                assertTrue(r.body().endsWith("\n\nposted"), r.body());
                server.awaitLine("\\{\\d+ vars in \\d+ bytes\\} .* POST /hello%20there\\?x=1 => generated \\d+ bytes", Duration.ofSeconds(5));
            } finally {
                nginx.destroy();
                nginx.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
