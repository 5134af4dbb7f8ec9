package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP router in front of other servers ({@code --http-to}): two real uWSGI instances
 * (the reference, {@code uwsgi --plugin python3 --socket}) share the load round-robin; one
 * killed under load loses no idempotent request (refused connections go to the other node,
 * which is skipped for {@code --http-gracetime}); with no node left, a 502.
 */
class HttpToIT {

    private static final Path APPS = Path.of("src/test/resources/apps/python").toAbsolutePath();

    @TempDir
    Path cwd;

    private UwsgiProcess realUwsgi() throws Exception {
        return UwsgiProcess.startProgram(cwd, "uwsgi", "--plugin", "python3", "--socket", "127.0.0.1:0", "--wsgi-file", "router.py",
                "--die-on-term", "--disable-logging");
    }

    private static int port(UwsgiProcess uwsgi) throws InterruptedException {
        return Integer.parseInt(uwsgi.awaitLine("uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:(\\d+)",
                UwsgiProcess.START_TIMEOUT).group(1));
    }

    @Test
    void twoRealUwsgiNodesShareTheLoadAndOneKilledUnderLoadLosesNoRequest() throws Exception {
        UwsgiProcess.copyApp(APPS, "router.py", cwd);
        try (var a = realUwsgi(); var b = realUwsgi()) {
            int portA = port(a);
            int portB = port(b);
            a.awaitLine("WSGI app 0 \\(mountpoint=''\\) ready", UwsgiProcess.START_TIMEOUT);
            b.awaitLine("WSGI app 0 \\(mountpoint=''\\) ready", UwsgiProcess.START_TIMEOUT);
            try (var router = UwsgiProcess.start(cwd, "--http", "127.0.0.1:0", "--http-to", "127.0.0.1:" + portA,
                    "--http-to", "127.0.0.1:" + portB, "--http-gracetime", "60")) {
                int port = Integer.parseInt(router.awaitLine("uWSGI http bound on 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
                router.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
                Set<String> pids = ConcurrentHashMap.newKeySet();
                for (int i = 0; i < 4; i++) {
                    var r = RawHttp.get(port, "/pid");
                    assertEquals(200, r.status());
                    pids.add(r.text());
                }
                assertEquals(2, pids.size(), "round-robin over both nodes: " + pids);

                var load = Load.start(port, 4, 2, "/pid", r -> pids.add(r.text()));
                load.awaitMore(200);
                a.close(); // SIGTERM with --die-on-term: the node goes away under load
                load.awaitMore(200);
                List<String> failures = load.stop();
                assertEquals(List.of(), failures, "no request lost");
                // the node dropped the connections it held (then skipped), or refused new ones: either way in uWSGI's words
                router.awaitLine("\\[uwsgi-http\\] (unable to connect\\(\\) to node \"127\\.0\\.0\\.1:" + portA
                        + "\" \\(0 retries\\): Connection refused|node \"127\\.0\\.0\\.1:" + portA
                        + "\" closed the connection without a response: trying the next one)", Duration.ofSeconds(10));

                var post = new RawHttp(port);
                var r = post.send("POST /pid HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc").read();
                assertEquals(200, r.status(), "the live node serves a POST too");
                post.close();

                b.close();
                try (var http = new RawHttp(port)) {
                    assertEquals(502, http.send("GET /pid HTTP/1.1\r\nHost: x\r\n\r\n").read().status(), "no node left");
                    assertEquals(502, http.send("GET /pid HTTP/1.1\r\nHost: x\r\n\r\n").read().status(), "and the connection stays");
                }
                assertTrue(router.isAlive());
            }
        }
    }
}
