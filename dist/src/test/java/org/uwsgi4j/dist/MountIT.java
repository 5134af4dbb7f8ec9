package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several WSGI apps in one worker with {@code --mount}, with and without
 * {@code --manage-script-name}, through the real distribution. The expected SCRIPT_NAME and
 * PATH_INFO are what Debian's uWSGI 2.0.21 gives for the same requests (docs/plugins/python.md).
 */
class MountIT {

    private static final Path APPS = Path.of("src/test/resources/apps/python/mount").toAbsolutePath();

    @TempDir
    Path cwd;

    private void copyApps() throws Exception {
        Files.createDirectories(cwd.resolve("pkg"));
        for (String name : new String[] {"app1.py", "app2.py", "default.py", "broken.py", "pkg/__init__.py", "pkg/mod.py"}) {
            Files.copy(APPS.resolve(name), cwd.resolve(name));
        }
    }

    private static int serve(UwsgiProcess server, int workers) throws InterruptedException {
        int port = server.httpPort();
        for (int i = 1; i <= workers; i++) {
            server.workerPid(i);
        }
        return port;
    }

    private static String get(int port, String target) throws Exception {
        RawHttp.Response r = RawHttp.get(port, target);
        assertEquals(200, r.status(), target);
        return r.text();
    }

    /** A request over the uwsgi protocol with the SCRIPT_NAME and PATH_INFO a proxy (nginx) sends; the body. */
    private static String uwsgi(int port, String scriptName, String pathInfo) throws Exception {
        return UwsgiRequest.body(UwsgiRequest.get(port, 0, scriptName, pathInfo));
    }

    @Test
    void manageScriptNameSplitsPathInfoAtTheLongestMountPoint() throws Exception {
        copyApps();
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", "default.py",
                "--mount", "/app=app1.py", "--mount", "/app/b=app2.py", "--mount", "/p=pkg.mod:app",
                "--manage-script-name", "--master", "--processes", "2")) {
            server.awaitLine("mounting .*app1\\.py on /app$", UwsgiProcess.START_TIMEOUT);
            server.awaitLine("WSGI app 3 \\(mountpoint='/p'\\) ready", UwsgiProcess.START_TIMEOUT);
            int port = serve(server, 2);
            assertEquals("app1 SCRIPT_NAME='/app' PATH_INFO=''", get(port, "/app"));
            assertEquals("app1 SCRIPT_NAME='/app' PATH_INFO='/'", get(port, "/app/"));
            assertEquals("app1 SCRIPT_NAME='/app' PATH_INFO='/x/y'", get(port, "/app/x/y?q=1"));
            assertEquals("app2 SCRIPT_NAME='/app/b' PATH_INFO=''", get(port, "/app/b"));
            assertEquals("app2 SCRIPT_NAME='/app/b' PATH_INFO='/c'", get(port, "/app/b/c"));
            assertEquals("app1 SCRIPT_NAME='/app' PATH_INFO='/bc'", get(port, "/app/bc"));
            assertEquals("pkg.mod SCRIPT_NAME='/p' PATH_INFO='/q'", get(port, "/p/q"));
            // not under a mount point (a prefix that is not a whole path segment neither): the default app
            assertEquals("default SCRIPT_NAME='' PATH_INFO='/appx'", get(port, "/appx"));
            assertEquals("default SCRIPT_NAME='' PATH_INFO='/other'", get(port, "/other"));
            assertEquals("default SCRIPT_NAME='' PATH_INFO='/'", get(port, "/"));
        }
    }

    @Test
    void withoutManageScriptNameTheAppIsChosenBySCRIPT_NAME() throws Exception {
        copyApps();
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--socket", "127.0.0.1:0",
                "--plugins", "python", "--mount", "/app1=app1.py", "--mount", "/app2=app2.py", "--lazy-apps",
                "--processes", "2")) {
            int port = Integer.parseInt(server.awaitLine("uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            int uwsgiPort = Integer.parseInt(server.awaitLine(
                    "uwsgi socket 1 bound to TCP address 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
            server.awaitLine("spawned uWSGI worker 2 ", UwsgiProcess.START_TIMEOUT);
            // HTTP sends SCRIPT_NAME '': every request goes to the default app, the first mount
            assertEquals("app1 SCRIPT_NAME='' PATH_INFO='/app2/z'", get(port, "/app2/z"));
            assertEquals("app1 SCRIPT_NAME='' PATH_INFO='/'", get(port, "/"));
            // a proxy's SCRIPT_NAME picks the app mounted exactly there; PATH_INFO is left alone
            assertEquals("app2 SCRIPT_NAME='/app2' PATH_INFO='/app2/y'", uwsgi(uwsgiPort, "/app2", "/app2/y"));
            assertEquals("app1 SCRIPT_NAME='/app1' PATH_INFO='/x'", uwsgi(uwsgiPort, "/app1", "/x"));
            assertEquals("app1 SCRIPT_NAME='/nope' PATH_INFO='/w'", uwsgi(uwsgiPort, "/nope", "/w"));
        }
    }

    @Test
    void manageScriptNameFallsBackToTheProxysSCRIPT_NAME() throws Exception {
        copyApps();
        try (var server = UwsgiProcess.start(cwd, "--socket", "127.0.0.1:0", "--wsgi-file", "default.py",
                "--mount", "/app1=app1.py", "--mount", "/app2=app2.py", "--manage-script-name")) {
            int port = Integer.parseInt(server.awaitLine("uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            server.awaitLine("spawned uWSGI worker 1 ", UwsgiProcess.START_TIMEOUT);
            assertEquals("app2 SCRIPT_NAME='/app2' PATH_INFO='/y'", uwsgi(port, "/app2", "/app2/y"));
            assertEquals("app1 SCRIPT_NAME='/app1' PATH_INFO='/q'", uwsgi(port, "/app", "/app1/q"));
            assertEquals("app1 SCRIPT_NAME='/app1' PATH_INFO='/x'", uwsgi(port, "/app1", "/x"));
            assertEquals("default SCRIPT_NAME='/nope' PATH_INFO='/w'", uwsgi(port, "/nope", "/w"));
        }
    }

    @Test
    void aMountThatFailsToLoadIsALoadFailure() throws Exception {
        copyApps();
        var result = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", "default.py",
                "--mount", "/bad=broken.py", "--need-app");
        assertEquals(22, result.exitCode(), result.output());
        org.junit.jupiter.api.Assertions.assertTrue(result.output().contains("failed to load: RuntimeError: boom"),
                result.output());
    }

    @Test
    void aMountAloneLoadsThePythonPlugin() throws Exception {
        copyApps();
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--mount", "/a=app1.py", "--manage-script-name")) {
            server.awaitLine("^plugin python \\S+ loaded$", UwsgiProcess.START_TIMEOUT);
            int port = serve(server, 1);
            assertEquals("app1 SCRIPT_NAME='/a' PATH_INFO='/z'", get(port, "/a/z"));
        }
    }

    @Test
    void aMountNoPluginClaimsFailsTheStartWithOneLineNamingIt() throws Exception {
        copyApps();
        var result = UwsgiProcess.run(cwd, "--http-socket", "127.0.0.1:0", "--mount", "/a=app1.py", "--mount", "/p=app.txt");
        assertEquals(1, result.exitCode(), result.output());
        // then every plugin's claims: psgi's, python's, rack's, and those of the plugins to come
        String last = result.lines().getLast();
        org.junit.jupiter.api.Assertions.assertTrue(last.startsWith("!!! UNABLE to mount /p=app.txt: no plugin claims app.txt (")
                && last.contains("psgi: *.psgi *.pl") && last.contains("python: *.py *.wsgi *:*") && last.contains("rack: *.ru *.rb")
                && last.endsWith(") !!!"), result.output());
        org.junit.jupiter.api.Assertions.assertTrue(result.lines().stream().noneMatch(l -> l.startsWith("\tat ")),
                "no stack trace:\n" + result.output());
    }

    @Test
    void aMountLoadsItsPluginEvenWhenPluginsNamesAnother() throws Exception {
        copyApps();
        try (var server = UwsgiProcess.start(cwd, "--plugins", "echo", "--http-socket", "127.0.0.1:0",
                "--mount", "/a=app1.py", "--manage-script-name")) {
            server.awaitLine("^plugin python \\S+ loaded$", UwsgiProcess.START_TIMEOUT);
            int port = serve(server, 1);
            assertEquals("app1 SCRIPT_NAME='/a' PATH_INFO='/z'", get(port, "/a/z"));
        }
    }
}
