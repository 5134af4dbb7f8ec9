package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stats server read the way uwsgitop reads it: Python's json module over a plain socket
 * (and over HTTP with --stats-http), checking field names and types after real requests.
 */
class StatsIT {

    /** What uwsgitop relies on: every field it reads, with the JSON type uWSGI gives it. */
    private static final String CHECK = """
            import json, socket, sys, time, urllib.request
            port, http, expected = int(sys.argv[1]), sys.argv[2] == "http", int(sys.argv[3])
            def fetch():
                if http:
                    return json.loads(urllib.request.urlopen("http://127.0.0.1:%d/" % port).read())
                s = socket.create_connection(("127.0.0.1", port)); doc = b""
                while True:
                    c = s.recv(65536)
                    if not c: break
                    doc += c
                return json.loads(doc)
            # a request is counted just after its response is sent (as in uWSGI): poll briefly for the last one
            deadline = time.time() + 10
            d = fetch()
            while sum(w["requests"] for w in d["workers"]) < expected and time.time() < deadline:
                time.sleep(0.02)
                d = fetch()
            for k, t in [("version", str), ("listen_queue", int), ("listen_queue_errors", int), ("load", int),
                         ("pid", int), ("uid", int), ("gid", int), ("cwd", str), ("sockets", list), ("workers", list)]:
                assert isinstance(d[k], t), (k, d[k])
            sock = d["sockets"][0]
            assert sock["proto"] == "http" and isinstance(sock["name"], str) and sock["max_queue"] == 100, sock
            assert len(d["workers"]) == 2, d["workers"]
            total = 0
            for w in d["workers"]:
                for k in ("id", "pid", "requests", "delta_requests", "exceptions", "harakiri_count", "signals", "rss", "vsz",
                          "running_time", "last_spawn", "respawn_count", "tx", "avg_rt"):
                    assert isinstance(w[k], int), (k, w[k])
                assert w["status"] in ("idle", "busy"), w["status"]
                assert w["pid"] == d["pid"]
                assert len(w["cores"]) == 2 and all(isinstance(c["requests"], int) and isinstance(c["in_request"], int) for c in w["cores"])
                assert w["requests"] == sum(c["requests"] for c in w["cores"]), w
                total += w["requests"]
                if w["requests"]:
                    assert w["tx"] > 0 and w["avg_rt"] >= 0, w
            assert total == expected, (total, expected)
            print("stats ok", total)
            """;

    private static final Path APPS = Path.of("src/test/resources/apps").toAbsolutePath();

    @TempDir
    Path cwd;

    /**
     * A worker process counts what it served: an app that raises is an exception of the worker
     * that ran it (uWSGI's {@code exceptions}), and the bytes it sent are its {@code tx}.
     */
    @Test
    void anAppThatRaisesIsAnExceptionOfItsWorker() throws Exception {
        Path app = UwsgiProcess.copyApp(APPS, "faults.py", cwd);
        Files.writeString(Files.createDirectory(cwd.resolve("www")).resolve("a.txt"), "static\n");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", app.toString(),
                "--master", "--processes", "1", "--stats", "127.0.0.1:0", "--static-map", "/s=" + cwd.resolve("www"))) {
            int port = server.httpPort();
            int stats = Integer.parseInt(server.awaitLine("Stats server enabled on 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            assertEquals(500, RawHttp.get(port, "/raise").status());
            var hello = RawHttp.get(port, "/");
            assertEquals(200, hello.status());

            var rows = StatsReader.awaitRequests(stats, 2);
            assertEquals(1, rows.size(), rows.toString());
            assertEquals(1, rows.getFirst().exceptions(), rows.toString());
            assertTrue(rows.getFirst().tx() >= hello.text().length(), rows.toString());

            // a static file is answered by the kernel, not a worker: the top-level static_requests counts it
            assertEquals("static\n", RawHttp.get(port, "/s/a.txt").text());
            assertEquals(200, RawHttp.get(port, "/s/a.txt").status());
            String json;
            try (var socket = new java.net.Socket("127.0.0.1", stats)) {
                json = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
            var top = java.util.regex.Pattern.compile("\"request_queue\":\\s*\\d+,\\s*\"static_requests\":\\s*(\\d+)").matcher(json);
            assertTrue(top.find(), json);
            assertEquals("2", top.group(1), json);
            assertEquals(2, StatsReader.awaitRequests(stats, 2).getFirst().requests(), "the worker served only its two");
        }
    }

    @Test
    void statsDocumentHasUwsgitopsFieldsAndCounts() throws Exception {
        check(false);
    }

    @Test
    void statsOverHttp() throws Exception {
        check(true);
    }

    private void check(boolean http) throws Exception {
        var args = new java.util.ArrayList<>(java.util.List.of("--http-socket", "127.0.0.1:0", "--http-socket-modifier1", "101",
                "--plugins", "echo", "--processes", "2", "--threads", "2", "--stats", "127.0.0.1:0"));
        if (http) {
            args.add("--stats-http");
        }
        try (var server = UwsgiProcess.start(cwd, args.toArray(String[]::new))) {
            int port = Integer.parseInt(server.awaitLine("uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            int stats = Integer.parseInt(server.awaitLine("Stats server enabled on 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            int requests = 7;
            try (var client = new RawHttp(port)) {
                for (int i = 0; i < requests; i++) {
                    assertEquals(200, client.send("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n").read().status());
                }
            }
            Path script = Files.writeString(cwd.resolve("check.py"), CHECK);
            Process py = new ProcessBuilder("python3", script.toString(), String.valueOf(stats), http ? "http" : "raw",
                    String.valueOf(requests)).redirectErrorStream(true).start();
            String out = new String(py.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            py.waitFor(30, TimeUnit.SECONDS);
            assertEquals(0, py.exitValue(), out);
            assertEquals("stats ok " + requests, out.strip());
        }
    }
}
