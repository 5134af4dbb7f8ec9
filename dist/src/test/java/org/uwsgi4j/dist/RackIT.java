package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rack apps on real ruby workers, end to end: uWSGI's own command line for a config.ru (no
 * modifier option), a Sinatra app's forms and JSON, --rails, --ruby-gc-freq, .ru mounts beside a
 * Python mount, refusals at start, and faults (kill -9 under load, SIGHUP reload, --max-requests)
 * that lose no request. The app battery (AppBatteryIT) checks the Rack SPEC behind Rack::Lint.
 */
class RackIT {

    private static final Path APPS = Path.of("src/test/resources/apps/rack").toAbsolutePath();
    private static final Path EXAMPLES = Path.of("../examples/rack").toAbsolutePath();

    @TempDir
    Path cwd;

    private Path app(String name) throws Exception {
        return UwsgiProcess.copyApp(APPS, name, cwd);
    }

    @Test
    void sinatraServesFormsAndJsonOnUwsgisOwnCommandLine() throws Exception {
        Path sinatra = Files.createDirectories(cwd.resolve("sinatra"));
        for (String f : List.of("app.rb", "config.ru")) {
            Files.copy(EXAMPLES.resolve("sinatra").resolve(f), sinatra.resolve(f));
        }
        // as uWSGI is run for a config.ru: --plugin rack and no --http-modifier1, though rack is modifier1 7
        try (var server = UwsgiProcess.start(cwd, "--plugin", "rack", "--http-socket", "127.0.0.1:0",
                "--rack", "sinatra/config.ru", "--master", "--processes", "2")) {
            int port = server.httpPort();
            server.workerPid(2);
            String base = "http://127.0.0.1:" + port;
            try (var client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                var form = client.send(HttpRequest.newBuilder(URI.create(base + "/")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, form.statusCode(), server.output());
                assertTrue(form.body().contains("<form method=\"post\" action=\"/greet\">"), form.body());
                var greet = client.send(HttpRequest.newBuilder(URI.create(base + "/greet"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("name=Ada+%3CL%3E")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, greet.statusCode());
                assertEquals("Hello, Ada &lt;L&gt;!\n", greet.body());
                var missing = client.send(HttpRequest.newBuilder(URI.create(base + "/greet"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("name=")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(400, missing.statusCode());
                var created = client.send(HttpRequest.newBuilder(URI.create(base + "/api/items"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"tea\"}")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(201, created.statusCode(), created.body());
                assertEquals("application/json", created.headers().firstValue("content-type").orElse(""));
                assertEquals("tea", FlatJson.parse(created.body()).get("name"));
                var bad = client.send(HttpRequest.newBuilder(URI.create(base + "/api/items"))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(422, bad.statusCode());
                var list = client.send(HttpRequest.newBuilder(URI.create(base + "/api/items")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, list.statusCode());
                assertTrue(list.body().startsWith("["), list.body());
            }
        }
    }

    @Test
    void railsLoadsTheDirectorysConfigRuAndRunsThere() throws Exception {
        Path rails = cwd.resolve("rails_app");
        Files.createDirectories(rails.resolve("config"));
        Files.copy(APPS.resolve("rails_app/config.ru"), rails.resolve("config.ru"));
        Files.copy(APPS.resolve("rails_app/config/environment.rb"), rails.resolve("config/environment.rb"));
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--rails", "rails_app")) {
            int port = server.httpPort();
            server.workerPid(1);
            var r = RawHttp.get(port, "/");
            assertEquals(200, r.status(), server.output());
            assertEquals("rails-like app in " + rails.toRealPath(), r.text());
        }
    }

    @Test
    void rubyGcFreqForcesAFullGcEveryNRequests() throws Exception {
        Path gc = app("gc.ru");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--rack", gc.toString(),
                "--ruby-gc-freq", "2", "--disable-logging")) {
            int port = server.httpPort();
            server.workerPid(1);
            List<Integer> starts = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                starts.add(Integer.parseInt(RawHttp.get(port, "/").text().split(" ")[0]));
            }
            // uWSGI's order: a full GC after requests 1, 3, 5 … (cycles % 2 == 0)
            assertEquals(List.of(0, 1, 1, 2, 2), starts, "GC.start calls seen by each request");
        }
    }

    @Test
    void rackMountsServeBesideAPythonMount() throws Exception {
        Files.copy(APPS.resolve("mounted.ru"), cwd.resolve("a.ru"));
        Files.copy(APPS.resolve("mounted.ru"), cwd.resolve("b.ru"));
        Files.writeString(cwd.resolve("py.py"), """
                def application(environ, start_response):
                    start_response("200 OK", [("Content-Type", "text/plain")])
                    return [("python %s %s" % (environ["SCRIPT_NAME"], environ["PATH_INFO"])).encode()]
                """);
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--mount", "/a=a.ru",
                "--mount", "/b=b.ru", "--mount", "/py=py.py", "--manage-script-name")) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            server.awaitLine("RACK app 0 \\(mountpoint='/a'\\) from .*a\\.ru and 2 mounts ready", UwsgiProcess.START_TIMEOUT);
            server.awaitLine("spawned uWSGI worker 1", UwsgiProcess.START_TIMEOUT);
            assertEquals("rack a.ru /a /x", RawHttp.get(port, "/a/x").text());
            assertEquals("rack b.ru /b /y/z", RawHttp.get(port, "/b/y/z").text());
            assertEquals("python /py /w", awaitOk(port, "/py/w"));
        }
    }

    /** The body of the first 200 to GET {@code path} (the other language's workers may still be starting). */
    private static String awaitOk(int port, String path) throws Exception {
        for (long deadline = System.nanoTime() + UwsgiProcess.START_TIMEOUT.toNanos(); ; ) {
            var r = RawHttp.get(port, path);
            if (r.status() == 200 || System.nanoTime() > deadline) {
                assertEquals(200, r.status(), r.text());
                return r.text();
            }
            Thread.sleep(20); // the other pool's workers are being spawned, bounded by the deadline
        }
    }

    @Test
    void loadOptionsWork() throws Exception {
        app("options_app.rb");
        Files.createDirectories(cwd.resolve("lib"));
        for (String lib : List.of("helper.rb", "shared.rb")) {
            Files.copy(APPS.resolve("lib").resolve(lib), cwd.resolve("lib").resolve(lib));
        }
        Files.createDirectories(cwd.resolve("rvm/environments"));
        Files.writeString(cwd.resolve("rvm/environments/web"), "export GEMSET_MARK=web-gemset\n");
        Path ruby = Files.writeString(cwd.resolve("my-ruby"), "#!/bin/sh\nexport VIA_INTERPRETER=my-ruby\nexec /usr/bin/ruby \"$@\"\n");
        ruby.toFile().setExecutable(true);
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--rack", "options_app.rb",
                "--rb-lib", "lib", "--rb-require", "helper", "--shared-rb-require", "shared", "--gemset", "web",
                "--rvm-path", cwd.resolve("rvm").toString(), "--ruby-interpreter", ruby.toString(), "--threads", "2",
                "--lazy-apps")) {
            int port = server.httpPort();
            server.workerPid(1);
            var r = RawHttp.get(port, "/");
            assertEquals(200, r.status(), server.output());
            assertEquals("helper shared web-gemset my-ruby multithread=true", r.text());
        }
    }

    @Test
    void whatRubyCannotServeIsRefusedAtStartWithOneLine() throws Exception {
        Path hello = Files.copy(EXAMPLES.resolve("hello.ru"), cwd.resolve("hello.ru"));
        var gemset = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--rack", hello.toString(), "--gemset", "nosuch",
                "--rvm-path", cwd.toString());
        assertEquals(1, gemset.exitCode(), gemset.output());
        assertTrue(gemset.lines().getLast().startsWith("!!! rack: cannot serve this configuration: --gemset nosuch: no RVM environment nosuch in "
                + cwd), gemset.output());
        Files.createDirectories(cwd.resolve("old_rails"));
        var rails = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--rails", "old_rails");
        assertEquals(1, rails.exitCode(), rails.output());
        assertEquals("!!! rack: cannot serve this configuration: --rails old_rails: no config.ru in " + cwd.resolve("old_rails")
                + " (Rails 2.x apps without a config.ru are not supported) !!!", rails.lines().getLast(), rails.output());
        assertTrue(rails.lines().stream().noneMatch(l -> l.startsWith("\tat ")), "no stack trace:\n" + rails.output());
    }

    @Test
    void killMinus9ReloadAndMaxRequestsLoseNoRequest() throws Exception {
        Path app = app("faults.ru");
        Files.writeString(cwd.resolve("version.txt"), "one");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--rack", app.toString(),
                "--master", "--processes", "2", "--max-requests", "40", "--disable-logging")) {
            int port = server.httpPort();
            long victim = server.workerPid(1);
            server.workerPid(2);
            assertEquals("one", RawHttp.get(port, "/version").text());
            var load = Load.start(port, 8, "/");
            load.awaitMore(20); // under load, and before --max-requests 40 recycles worker 1
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();
            server.awaitLine("DAMN ! worker 1 \\(pid: " + victim + "\\) died, killed by signal 9", Duration.ofSeconds(10));
            server.awaitLine("Respawned uWSGI worker", Duration.ofSeconds(10));
            load.awaitMore(100);
            server.awaitLine("reached --max-requests 40: recycling it", Duration.ofSeconds(20));
            Files.writeString(cwd.resolve("version.txt"), "two");
            new ProcessBuilder("kill", "-HUP", String.valueOf(server.pid())).start().waitFor();
            for (long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                 !RawHttp.get(port, "/version").text().equals("two"); ) {
                assertTrue(System.nanoTime() < deadline, "the reload never served the new code");
            }
            load.awaitMore(100);
            int ok = load.ok();
            assertEquals(List.of(), load.stop(), "after " + ok + " good requests");
        }
    }
}
