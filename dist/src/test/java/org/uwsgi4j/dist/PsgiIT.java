package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PSGI apps on real perl workers through the real distribution (docs/plugins/psgi.md): Plack's
 * own server test suite, mounts of .psgi/.pl files beside each other and beside a .py app, the
 * fault tests the Python runtime has (kill -9 under load, SIGHUP reload, --max-requests), and
 * the PSGI extensions (psgix.cleanup, psgix.harakiri, psgix.logger, a seekable psgi.input) and
 * the uwsgi:: functions. The app battery (AppBatteryIT) covers the rest of the PSGI contract.
 */
class PsgiIT {

    private static final Path APPS = Path.of("src/test/resources/apps/perl").toAbsolutePath();
    private static final Duration LOG_WAIT = Duration.ofSeconds(10);

    @TempDir
    Path cwd;

    private Path app(String name) throws IOException {
        Path target = cwd.resolve(name);
        Files.createDirectories(target.getParent());
        Files.copy(APPS.resolve(name), target);
        return target;
    }

    /**
     * Plack::Test::Suite, Plack's own test suite for servers (Debian's libplack-perl: 101 cases,
     * all of which Starman passes), its client run by perl against the server that serves the
     * suite's app: every case passes.
     */
    @Test
    void plackTestSuitePassesEveryCase() throws Exception {
        app("suite.psgi");
        Path client = app("suite-client.pl");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--psgi", "suite.psgi",
                "--master", "--processes", "2", "--disable-logging")) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            Process perl = new ProcessBuilder("/usr/bin/perl", client.toString(), String.valueOf(port))
                    .redirectErrorStream(true).start();
            String tap = new String(perl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(perl.waitFor(60, TimeUnit.SECONDS), tap);
            assertEquals(0, perl.exitValue(), tap + server.output());
            assertTrue(tap.lines().anyMatch(l -> l.equals("1..101")), "the whole suite ran: " + tap);
            assertFalse(tap.lines().anyMatch(l -> l.startsWith("not ok")), tap);
            assertEquals(101, tap.lines().filter(l -> l.startsWith("ok ")).count(), tap);
        }
    }

    /**
     * Two PSGI apps (a .psgi and a .pl file) mounted side by side, and a WSGI app mounted beside
     * them in the same instance (one pool per language, the kernel's mount router in slot 0): with
     * --manage-script-name each gets its mount point as SCRIPT_NAME and the rest as PATH_INFO.
     */
    @Test
    void psgiAndWsgiAppsMountedSideBySideGetTheirScriptNameAndPathInfo() throws Exception {
        app("mount/one.psgi");
        app("mount/two.pl");
        app("mount/py.py");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--socket", "127.0.0.1:0",
                "--mount", "/one=mount/one.psgi", "--mount", "/one/two=mount/two.pl", "--mount", "/py=mount/py.py",
                "--manage-script-name", "--master", "--processes", "1")) {
            int port = server.httpPort();
            int uwsgiPort = Integer.parseInt(server.awaitLine("uwsgi socket 1 bound to TCP address 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            assertEquals("one /one|", get(port, "/one"));
            assertEquals("one /one|/x/y", get(port, "/one/x/y?q=1"));
            assertEquals("two /one/two|/z", get(port, "/one/two/z"));
            assertEquals("one /one|/twox", get(port, "/one/twox"));
            assertEquals("py /py|/a/b", get(port, "/py/a/b"));
            assertEquals("py /py|", get(port, "/py"));
            // a proxy's SCRIPT_NAME picks the mounted app (uWSGI: "honour SCRIPT_NAME when
            // multiple perl apps are mounted"), with the psgi modifier1 and with 0 (the mount router)
            assertEquals("two /one/two|/z", uwsgi(uwsgiPort, 5, "/one/two", "/z"));
            assertEquals("one /one|/z", uwsgi(uwsgiPort, 5, "/one", "/z"));
            assertEquals("two /one/two|/z", uwsgi(uwsgiPort, 0, "/one/two", "/z"));
            assertEquals("py /py|/q", uwsgi(uwsgiPort, 0, "/py", "/q"));
        }
    }

    /**
     * Modifier1 on plain sockets, as Debian's uWSGI 2.0.21 does: with a PSGI and a WSGI app in one
     * instance, modifier1 0 (a plain HTTP or uwsgi request) goes to python, which holds slot 0,
     * and 5 to perl; with the PSGI app alone, modifier1 0 goes to it (the default app).
     */
    @Test
    void modifier1ZeroGoesToPythonWhenItServesAnAppElseToTheDefaultApp() throws Exception {
        app("mount/one.psgi");
        app("mount/py.py");
        try (var server = UwsgiProcess.start(cwd, "--socket", "127.0.0.1:0", "--plugins", "psgi,python",
                "--psgi", "mount/one.psgi", "--wsgi-file", "mount/py.py")) {
            int port = Integer.parseInt(server.awaitLine("uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            assertEquals("py |/a", uwsgi(port, 0, "", "/a"));
            assertEquals("one |/a", uwsgi(port, 5, "", "/a"));
        }
        try (var server = UwsgiProcess.start(cwd, "--socket", "127.0.0.1:0", "--plugins", "python,psgi", "--psgi", "mount/one.psgi")) {
            int port = Integer.parseInt(server.awaitLine("uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            assertEquals("one |/a", uwsgi(port, 0, "", "/a"), "the default app: python serves none");
        }
    }

    /** A request over the uwsgi protocol with the modifier1, SCRIPT_NAME and PATH_INFO a proxy (nginx) sends; the body. */
    private static String uwsgi(int port, int modifier1, String scriptName, String pathInfo) throws Exception {
        String response = UwsgiRequest.get(port, modifier1, scriptName, pathInfo);
        assertTrue(response.startsWith("HTTP/1.1 200 "), response);
        return UwsgiRequest.body(response);
    }

    /** A perl worker killed with -9 under load: respawned, and no client sees a failure (GETs are retried). */
    @Test
    void aKilledPerlWorkerUnderLoadLosesNoRequest() throws Exception {
        app("faults.psgi");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--psgi", "faults.psgi",
                "--master", "--processes", "2", "--disable-logging")) {
            int port = server.httpPort();
            long pid1 = server.workerPid(1);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            var load = Load.start(port, 4, "/");
            load.awaitMore(50);
            ProcessHandle.of(pid1).orElseThrow().destroyForcibly();
            server.awaitLine("DAMN ! worker 1 \\(pid: " + pid1 + "\\) died, killed by signal 9 :\\( trying respawn \\.\\.\\.", LOG_WAIT);
            long respawned = Long.parseLong(server.awaitLine("Respawned uWSGI worker 1 \\(new pid: (\\d+)\\)", LOG_WAIT).group(1));
            assertNotEquals(pid1, respawned);
            load.awaitMore(50);
            assertEquals(List.of(), load.stop());
        }
    }

    /** --max-requests recycles perl workers and a SIGHUP reloads them, under load: nothing lost, the new code served. */
    @Test
    void maxRequestsAndASighupReloadUnderLoadLoseNoRequest() throws Exception {
        app("faults.psgi");
        Files.writeString(cwd.resolve("version.txt"), "one");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--psgi", "faults.psgi",
                "--master", "--processes", "2", "--max-requests", "20", "--disable-logging")) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            assertEquals("one", get(port, "/version"));
            var load = Load.start(port, 4, "/");
            load.awaitMore(100);
            server.awaitLine("reached --max-requests 20: recycling it", LOG_WAIT);
            server.awaitLine("Respawned uWSGI worker \\d \\(new pid: \\d+\\)", LOG_WAIT);
            Files.writeString(cwd.resolve("version.txt"), "two");
            new ProcessBuilder("kill", "-HUP", String.valueOf(server.pid())).start().waitFor();
            for (long deadline = System.nanoTime() + LOG_WAIT.toNanos(); !get(port, "/version").equals("two"); ) {
                assertTrue(System.nanoTime() < deadline, "the reloaded workers serve the new code");
            }
            load.awaitMore(50);
            assertEquals(List.of(), load.stop());
        }
    }

    /**
     * The PSGI extensions and the uwsgi:: functions: a die is a 500 and its message in the log
     * (the worker lives), a header with CR/LF is a 500 and a log line, psgix.cleanup handlers run
     * after the response, psgix.logger and uwsgi::log log, a pulled body can be read twice
     * (psgix.input.buffered), uwsgi::opt/worker_id/masterpid/numproc/VERSION, and
     * psgix.harakiri.commit ends the worker after its response (respawned).
     */
    @Test
    void psgiExtensionsAndTheUwsgiFunctions() throws Exception {
        app("faults.psgi");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--psgi", "faults.psgi",
                "--master", "--processes", "1")) {
            int port = server.httpPort();
            long pid = server.workerPid(1);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);

            assertEquals(500, RawHttp.get(port, "/die").status());
            server.awaitLine("^faults: died on purpose$", LOG_WAIT);
            assertEquals(500, RawHttp.get(port, "/crlf").status());
            server.awaitLine("CR, LF or NUL in the response header X-Bad", LOG_WAIT);
            assertEquals(String.valueOf(pid), get(port, "/pid"), "the worker lives");

            assertEquals("cleaned later", get(port, "/cleanup"));
            get(port, "/pid");   // the kernel reads the log lines that follow a response's END with the next request
            server.awaitLine("^cleanup ran for /cleanup$", LOG_WAIT);
            assertEquals("logged", get(port, "/logger"));
            server.awaitLine("^\\[warn\\] through psgix.logger$", LOG_WAIT);
            assertEquals("logged", get(port, "/log"));
            server.awaitLine("^logged through uwsgi::log$", LOG_WAIT);

            String big = "x".repeat(300_000);
            try (var http = new RawHttp(port)) {
                var r = http.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + big.length() + "\r\n\r\n" + big).read();
                assertEquals("300000 bytes twice equal", r.text(), "a pulled body, spooled and sought back");
            }

            String[] values = get(port, "/uwsgi").split(" ");
            assertEquals("1", values[0], "uwsgi::worker_id");
            assertEquals(String.valueOf(server.pid()), values[1], "uwsgi::masterpid");
            assertEquals("1", values[2], "uwsgi::numproc");
            assertEquals("127.0.0.1:0", values[3], "uwsgi::opt");
            assertTrue(values[4].matches("\\d+\\.\\d+\\.\\d+-uwsgi4j"), "uwsgi::VERSION " + values[4]);

            assertEquals("harakiri from " + pid, get(port, "/harakiri"));
            server.awaitLine("\\*\\*\\* psgix.harakiri.commit requested \\*\\*\\*", LOG_WAIT);
            server.awaitLine("worker 1 \\(pid: " + pid + "\\) asked by the application: recycling it", LOG_WAIT);
            long respawned = Long.parseLong(server.awaitLine("Respawned uWSGI worker 1 \\(new pid: (\\d+)\\)", LOG_WAIT).group(1));
            assertEquals(String.valueOf(respawned), get(port, "/pid"));
            assertFalse(server.output().contains("DAMN"), "a recycle, not a death: " + server.output());
        }
    }

    /**
     * The examples: the Dancer2 app (Debian's libdancer2-perl) serves its form, the form's POST
     * and JSON; hello.psgi and download.psgi (a filehandle body, sent from the file) mounted beside it.
     */
    @Test
    void theExamplesServeAndTheDancer2AppAFormAndJson() throws Exception {
        Path examples = Path.of("../examples/psgi").toAbsolutePath();
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0",
                "--psgi", examples.resolve("dancer2_app.psgi").toString(),
                "--mount", "/hello=" + examples.resolve("hello.psgi"), "--mount", "/dl=" + examples.resolve("download.psgi"),
                "--manage-script-name", "--master", "--processes", "2")) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            String form = get(port, "/");
            assertTrue(form.contains("<form method=\"post\" action=\"/greet\">"), form);
            try (var http = new RawHttp(port)) {
                String body = "name=%3CAda%3E";
                var r = http.send("POST /greet HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: " + body.length() + "\r\n\r\n" + body).read();
                assertEquals(200, r.status(), r.text());
                assertEquals("<p>Hello, &#60;Ada&#62;!</p>", r.text());
                r = http.send("GET /api/hello?name=Ada HTTP/1.1\r\nHost: x\r\n\r\n").read();
                assertEquals(200, r.status());
                assertTrue(r.headers().get("content-type").startsWith("application/json"), r.headers().toString());
                assertEquals("Hello, Ada!", FlatJson.parse(r.text()).get("greeting"), r.text());
            }
            assertEquals("Hello from uwsgi4j!\n", get(port, "/hello"));
            assertEquals(Files.readString(examples.resolve("download.psgi")), get(port, "/dl/download.psgi"));
        }
    }

    /**
     * The perl options at work in one server: --perl-args/--perl-arg (@ARGV), --perl-exec
     * (before the app loads), --perl-exec-post-fork (in each worker), --perl-local-lib (@INC),
     * --perl-no-plack (loaded with do), --perl-no-die-catch (no stack trace), --threads 2 (two
     * ithreads serve at once), --perl-auto-reload with --perl-auto-reload-ignore (a changed
     * module reloads the workers, an ignored one does not).
     */
    @Test
    void thePerlOptionsWork() throws Exception {
        for (String f : List.of("opts/opts.psgi", "opts/pre.pl", "opts/post.pl", "opts/locallib/lib/perl5/Watched.pm",
                "opts/locallib/lib/perl5/Ignored.pm")) {
            app(f);
        }
        Path watched = cwd.resolve("opts/locallib/lib/perl5/Watched.pm");
        Path ignored = cwd.resolve("opts/locallib/lib/perl5/Ignored.pm");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--psgi", "opts/opts.psgi",
                "--perl-args", "a  b", "--perl-arg", "c d", "--perl-exec", "opts/pre.pl", "--perl-exec-post-fork", "opts/post.pl",
                "--perl-local-lib", "opts/locallib", "--perl-no-plack", "--perl-no-die-catch", "--threads", "2",
                "--perl-auto-reload", "1", "--perl-auto-reload-ignore", ignored.toString(),
                "--master", "--processes", "1")) {
            int port = server.httpPort();
            long pid = server.workerPid(1);
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            server.awaitLine("^using .*/opts/locallib as local::lib directory$", LOG_WAIT);
            assertEquals("a|b|c d", get(port, "/argv"));
            assertEquals("pre ran with $0=pre.pl", get(port, "/pre"));
            assertEquals(pid + " " + pid, get(port, "/post"), "--perl-exec-post-fork ran in the worker");
            assertEquals("in @INC " + watched, get(port, "/inc"));
            assertEquals("no plack", get(port, "/plack"));

            assertEquals(500, RawHttp.get(port, "/die").status());
            server.awaitLine("^opts: died on purpose$", LOG_WAIT);

            Path gate = cwd.resolve("gate");
            var held = RawHttp.inBackground(() -> RawHttp.get(port, "/wait?" + gate));
            String[] tid = get(port, "/tid").split(" ");   // served while the other core waits
            assertEquals(String.valueOf(pid), tid[0]);
            assertEquals("1", tid[2], "psgi.multithread");
            assertTrue(Integer.parseInt(tid[1]) >= 1, "an ithread: " + tid[1]);
            Files.createFile(gate);
            assertEquals("waited", held.get(20, TimeUnit.SECONDS).text());
            assertFalse(server.output().contains("called at"), "--perl-no-die-catch: no stack trace\n" + server.output());

            assertEquals("watched v1", get(port, "/module"));   // worker 1 notes the files in %INC
            var ahead = java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000);
            Files.setLastModifiedTime(ignored, ahead);
            Files.writeString(watched, Files.readString(watched).replace("watched v1", "watched v2"));
            Files.setLastModifiedTime(watched, ahead);
            for (long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos(); !get(port, "/module").equals("watched v2"); ) {
                assertTrue(System.nanoTime() < deadline, "--perl-auto-reload reloaded the workers\n" + server.output());
                Thread.sleep(20); // the reloader looks once a second, after a request: polling, bounded by the deadline
            }
            server.awaitLine("^\\[perl-auto-reloader\\] " + java.util.regex.Pattern.quote(watched.toString()) + " has been modified !!!$", LOG_WAIT);
            assertFalse(server.output().contains("Ignored.pm has been modified"), server.output());
        }
    }

    /** --psgi-enable-psgix-io is refused at start with one line: the client's socket never reaches a worker. */
    @Test
    void psgixIoIsRefusedAtStart() throws Exception {
        app("mount/one.psgi");
        var result = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--psgi", "mount/one.psgi", "--psgi-enable-psgix-io");
        assertEquals(1, result.exitCode(), result.output());
        assertEquals("uwsgi4j: option --psgi-enable-psgix-io is not supported yet", result.lines().getLast(), "the last line:\n" + result.output());
    }

    private static String get(int port, String target) throws Exception {
        var r = RawHttp.get(port, target);
        assertEquals(200, r.status(), target + ": " + r.text());
        return r.text();
    }
}
