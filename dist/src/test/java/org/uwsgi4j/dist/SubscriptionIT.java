package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subscriptions with real uWSGI both ways: a real uWSGI backend started with
 * {@code --subscribe-to} joins our router's {@code --http-subscription-server} and serves the
 * requests whose Host is its key, and leaves when it stops; ours, with {@code --subscribe-to}, joins a real uWSGI
 * {@code --http-subscription-server} and serves its router's requests.
 */
class SubscriptionIT {

    private static final Path APPS = Path.of("src/test/resources/apps/python").toAbsolutePath();

    @TempDir
    Path cwd;

    private static int freePort() throws Exception {
        try (var s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aRealUwsgiBackendJoinsOurRouterByItsKey() throws Exception {
        UwsgiProcess.copyApp(APPS, "router.py", cwd);
        try (var router = UwsgiProcess.start(cwd, "--http", "127.0.0.1:0", "--http-subscription-server", "127.0.0.1:0")) {
            int port = Integer.parseInt(router.awaitLine("uWSGI http bound on 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
            int udp = Integer.parseInt(router.awaitLine("uWSGI http subscription server bound on 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            router.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            int node = freePort();
            try (var backend = UwsgiProcess.startProgram(cwd, "uwsgi", "--plugin", "python3", "--socket", "127.0.0.1:" + node,
                    "--wsgi-file", "router.py", "--subscribe-to", "127.0.0.1:" + udp + ":app.example.org", "--master", "--die-on-term")) {
                backend.awaitLine("WSGI app 0 \\(mountpoint=''\\) ready", UwsgiProcess.START_TIMEOUT);
                router.awaitLine("app\\.example\\.org => new node: 127\\.0\\.0\\.1:" + node, UwsgiProcess.START_TIMEOUT);
                try (var http = new RawHttp(port)) {
                    var r = http.send("GET /env HTTP/1.1\r\nHost: APP.example.org\r\n\r\n").read();
                    assertEquals(200, r.status(), r.text());
                    assertTrue(("\n" + r.text()).contains("\nHTTP_HOST=APP.example.org\n"), r.text());
                    assertEquals(502, http.send("GET /env HTTP/1.1\r\nHost: other.example.org\r\n\r\n").read().status(),
                            "a Host no node subscribed for");
                }
                backend.close(); // SIGTERM: uWSGI's master unsubscribes on its way out
            }
            router.awaitLine("app\\.example\\.org => removing node 127\\.0\\.0\\.1:" + node, Duration.ofSeconds(20));
        }
    }

    @Test
    void ourInstanceJoinsARealUwsgiRouter() throws Exception {
        UwsgiProcess.copyApp(APPS, "router.py", cwd);
        int http = freePort();
        int udp = freePort();
        try (var uwsgiRouter = UwsgiProcess.startProgram(cwd, "uwsgi", "--plugin", "http", "--http", "127.0.0.1:" + http,
                "--http-subscription-server", "127.0.0.1:" + udp, "--master", "--die-on-term")) {
            uwsgiRouter.awaitLine("subscription server bound on 127\\.0\\.0\\.1:" + udp, UwsgiProcess.START_TIMEOUT);
            try (var ours = UwsgiProcess.start(cwd, "--socket", "127.0.0.1:0", "--wsgi-file", "router.py",
                    "--subscribe-to", "127.0.0.1:" + udp + ":ours.example.org")) {
                int node = ours.httpPort();
                ours.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
                uwsgiRouter.awaitLine("ours\\.example\\.org => new node: 127\\.0\\.0\\.1:" + node, UwsgiProcess.START_TIMEOUT);
                try (var client = new RawHttp(http)) {
                    var r = client.send("GET /env HTTP/1.1\r\nHost: ours.example.org\r\n\r\n").read();
                    assertEquals(200, r.status(), r.text());
                    assertTrue(("\n" + r.text()).contains("\nUWSGI_ROUTER=http\n"), r.text());
                }
            }
        }
    }
}
