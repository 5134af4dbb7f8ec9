package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Subscriptions with real uWSGI both ways: a real uWSGI backend started with
 * {@code --subscribe-to} joins our router's {@code --http-subscription-server} and serves the
 * requests whose Host is its key, and leaves when it stops; ours, with {@code --subscribe-to}, joins a real uWSGI
 * {@code --http-subscription-server} and serves its router's requests. Signed subscriptions
 * (keys made by openssl at test time) both ways, an unsigned one refused; {@code --subscribe2}'s
 * check file; {@code --subscribe-freq} keeping a node alive past the router's tolerance, and a
 * node that stops announcing dropped.
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

    private void openssl(String... args) throws Exception {
        var command = new java.util.ArrayList<String>();
        command.add("openssl");
        command.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ":\n" + out);
    }

    /** An RSA key pair: private.pem, and its public key as keys/KEY.pem (the sign check's directory). */
    private Path keys(String key) throws Exception {
        Files.createDirectories(cwd.resolve("keys"));
        openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", "private.pem");
        openssl("pkey", "-in", "private.pem", "-pubout", "-out", "keys/" + key + ".pem");
        return cwd.resolve("keys");
    }

    @Test
    void ourSignCheckTakesARealUwsgiSignedSubscriptionAndDropsAnUnsignedOne() throws Exception {
        UwsgiProcess.copyApp(APPS, "router.py", cwd);
        Path keys = keys("app.example.org");
        try (var router = UwsgiProcess.start(cwd, "--http", "127.0.0.1:0", "--http-subscription-server", "127.0.0.1:0",
                "--subscriptions-sign-check", "SHA256:" + keys)) {
            int port = Integer.parseInt(router.awaitLine("uWSGI http bound on 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
            int udp = Integer.parseInt(router.awaitLine("uWSGI http subscription server bound on 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            router.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            int signed = freePort();
            int unsigned = freePort();
            try (var good = UwsgiProcess.startProgram(cwd, "uwsgi", "--plugin", "python3", "--socket", "127.0.0.1:" + signed,
                    "--wsgi-file", "router.py", "--master", "--die-on-term",
                    "--subscribe2", "server=127.0.0.1:" + udp + ",key=app.example.org,sign=SHA256:" + cwd.resolve("private.pem"));
                 var bad = UwsgiProcess.startProgram(cwd, "uwsgi", "--plugin", "python3", "--socket", "127.0.0.1:" + unsigned,
                    "--wsgi-file", "router.py", "--master", "--die-on-term", "--subscribe-to", "127.0.0.1:" + udp + ":app.example.org")) {
                router.awaitLine("app\\.example\\.org => new node: 127\\.0\\.0\\.1:" + signed + "$", UwsgiProcess.START_TIMEOUT);
                router.awaitLine("dropped a packet from \\S+ for app\\.example\\.org node 127\\.0\\.0\\.1:" + unsigned + ": not signed",
                        UwsgiProcess.START_TIMEOUT);
                try (var http = new RawHttp(port)) {
                    for (int i = 0; i < 3; i++) {
                        var r = http.send("GET /env HTTP/1.1\r\nHost: app.example.org\r\n\r\n").read();
                        assertEquals(200, r.status(), r.text());
                        assertTrue(r.text().contains("\nSERVER_PORT=" + port + "\n"), r.text());
                    }
                }
                assertTrue(!router.output().contains("new node: 127.0.0.1:" + unsigned), router.output());
                good.close(); // a signed unsubscribe
                router.awaitLine("app\\.example\\.org => removing node 127\\.0\\.0\\.1:" + signed, Duration.ofSeconds(20));
            }
        }
    }

    @Test
    void aRealUwsgiSignCheckTakesOurSignedSubscribe2() throws Exception {
        UwsgiProcess.copyApp(APPS, "router.py", cwd);
        Path keys = keys("ours.example.org");
        int http = freePort();
        int udp = freePort();
        try (var uwsgiRouter = UwsgiProcess.startProgram(cwd, "uwsgi", "--plugin", "http", "--http", "127.0.0.1:" + http,
                "--http-subscription-server", "127.0.0.1:" + udp, "--subscriptions-sign-check", "SHA256:" + keys, "--master", "--die-on-term")) {
            uwsgiRouter.awaitLine("subscription server bound on 127\\.0\\.0\\.1:" + udp, UwsgiProcess.START_TIMEOUT);
            try (var ours = UwsgiProcess.start(cwd, "--socket", "127.0.0.1:0", "--wsgi-file", "router.py",
                    "--subscribe2", "server=127.0.0.1:" + udp + ",key=ours.example.org,sign=SHA256:private.pem,weight=3")) {
                int node = ours.httpPort();
                uwsgiRouter.awaitLine("ours\\.example\\.org => new node: 127\\.0\\.0\\.1:" + node, UwsgiProcess.START_TIMEOUT);
                try (var client = new RawHttp(http)) {
                    var r = client.send("GET /env HTTP/1.1\r\nHost: ours.example.org\r\n\r\n").read();
                    assertEquals(200, r.status(), r.text());
                    assertTrue(("\n" + r.text()).contains("\nUWSGI_ROUTER=http\n"), r.text());
                }
            }
        }
    }

    /** The http section of the router's --http-stats: last_check of the node named {@code node} (epoch seconds), or -1. */
    private static long lastCheck(int statsPort, int node) throws Exception {
        String doc;
        try (var stats = new java.net.Socket("127.0.0.1", statsPort)) {
            doc = new String(stats.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        var m = Pattern.compile("\"name\":\"127\\.0\\.0\\.1:" + node + "\",[^}]*\"last_check\":(\\d+)").matcher(doc);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    @Test
    void subscribeFreqKeepsANodePastTheToleranceAndASilentNodeIsDropped() throws Exception {
        UwsgiProcess.copyApp(APPS, "router.py", cwd);
        Path off = Files.writeString(cwd.resolve("off"), "");
        try (var router = UwsgiProcess.start(cwd, "--http", "127.0.0.1:0", "--http-subscription-server", "127.0.0.1:0",
                "--subscription-tolerance", "3", "--http-stats", "127.0.0.1:0")) {
            int port = Integer.parseInt(router.awaitLine("uWSGI http bound on 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
            int udp = Integer.parseInt(router.awaitLine("uWSGI http subscription server bound on 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            int statsPort = Integer.parseInt(router.awaitLine("http stats server enabled on 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            router.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            var backend = UwsgiProcess.start(cwd, "--socket", "127.0.0.1:0", "--wsgi-file", "router.py", "--subscribe-freq", "1",
                    "--subscribe2", "server=127.0.0.1:" + udp + ",key=app.example.org",
                    "--subscribe2", "server=127.0.0.1:" + udp + ",key=off.example.org,check=" + off);
            try (backend) {
                int node = backend.httpPort();
                router.awaitLine("app\\.example\\.org => new node: 127\\.0\\.0\\.1:" + node, UwsgiProcess.START_TIMEOUT);
                long first = lastCheck(statsPort, node);
                // announces every second refresh last_check and keep the node past the 3 s tolerance while
                // requests keep coming (with uWSGI's 10 s a request would find it stale after 3 s: 502)
                try (var http = new RawHttp(port)) {
                    for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); lastCheck(statsPort, node) < first + 4; ) {
                        assertTrue(System.nanoTime() < deadline, "last_check never moved 4 s past " + first + ":\n" + router.output());
                        assertEquals(200, http.send("GET / HTTP/1.1\r\nHost: app.example.org\r\n\r\n").read().status(),
                                "announced every second, never stale:\n" + router.output());
                        Thread.sleep(200); // polling the stats, bounded by the deadline
                    }
                    assertEquals(502, http.send("GET / HTTP/1.1\r\nHost: off.example.org\r\n\r\n").read().status(),
                            "not announced while its check file exists");
                }
                Files.delete(off);
                router.awaitLine("off\\.example\\.org => new node: 127\\.0\\.0\\.1:" + node, UwsgiProcess.START_TIMEOUT);
                ProcessHandle.of(backend.pid()).orElseThrow().destroyForcibly(); // no goodbye: it just stops announcing
                assertTrue(backend.awaitExit(Duration.ofSeconds(20)) != 0);
                // the router drops a node when a request finds its last announce older than the tolerance (uWSGI's way)
                String dropped = "app.example.org => marking 127.0.0.1:" + node + " as failed (no announce received in 3 seconds)";
                int status = 0;
                for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); !router.output().contains(dropped); ) {
                    assertTrue(System.nanoTime() < deadline, "the silent node was never dropped:\n" + router.output());
                    try (var http = new RawHttp(port)) {
                        status = http.send("GET / HTTP/1.1\r\nHost: app.example.org\r\nConnection: close\r\n\r\n").read().status();
                    }
                    Thread.sleep(200); // polling the router, bounded by the deadline
                }
                assertEquals(502, status, "no node left for the Host");
            }
        }
    }
}
