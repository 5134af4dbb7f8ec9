package org.uwsgi4j.dist;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Debian's real nginx in the foreground with {@code uwsgi_pass} to a uwsgi4j {@code --socket},
 * in a private prefix under the test's directory; {@link #close()} stops it.
 */
final class Nginx implements AutoCloseable {

    private final Process process;
    private final Path prefix;
    final int port;

    private Nginx(Process process, Path prefix, int port) {
        this.process = process;
        this.prefix = prefix;
        this.port = port;
    }

    /**
     * Starts nginx on a free loopback port, passing every request to {@code uwsgiPort} with the
     * {@code location} directives {@code extra} (e.g. {@code uwsgi_modifier1 101;}), and waits
     * until it accepts connections.
     */
    static Nginx start(Path dir, int uwsgiPort, String extra) throws IOException, InterruptedException {
        int port;
        try (var probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path prefix = Files.createDirectories(dir.resolve("nginx"));
        Files.createDirectories(prefix.resolve("logs"));
        Files.writeString(prefix.resolve("nginx.conf"), """
                daemon off;
                master_process off;
                pid %1$s/nginx.pid;
                error_log stderr warn;
                events { worker_connections 512; }
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
                      %4$s
                      uwsgi_pass 127.0.0.1:%3$d;
                    }
                  }
                }
                """.formatted(prefix, port, uwsgiPort, extra));
        Process process = new ProcessBuilder("/usr/sbin/nginx", "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("nginx.out").toFile()).start();
        Nginx nginx = new Nginx(process, prefix, port);
        for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); !nginx.accepts(); ) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                nginx.close();
                throw new AssertionError("nginx did not come up: " + nginx.output());
            }
            Thread.sleep(50); // polling for nginx to listen, bounded by the deadline
        }
        return nginx;
    }

    private boolean accepts() {
        try (var s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** What nginx wrote (its error log goes to stderr). */
    String output() {
        try {
            return Files.readString(prefix.resolve("nginx.out"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
