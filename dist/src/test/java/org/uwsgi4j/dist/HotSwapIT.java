package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins swapped under continuous load (half the clients on a new connection per request,
 * half on kept-alive connections), by the drop-in directory as a user does it: a new version
 * written beside, then renamed over the old jar. No request may fail or get a non-2xx: an
 * in-JVM runtime's requests wait for its next version ({@code --plugin-swap-grace}); a worker
 * runtime's pool reloads by generation, as on SIGHUP. The python app answers the
 * {@code UWSGI4J_PLUGIN_VERSION} of its host, so the test sees the new version's workers serve.
 */
class HotSwapIT {

    private static final Path ECHO = UwsgiProcess.DIST.resolve("plugins/plugin-echo.jar");
    private static final Path PYTHON = UwsgiProcess.DIST.resolve("plugins/plugin-python.jar");
    private static final Duration SWAP = Duration.ofSeconds(20);
    private static final String VERSION_APP = """
            import os
            def application(environ, start_response):
                start_response('200 OK', [('Content-Type', 'text/plain')])
                return [os.environ.get('UWSGI4J_PLUGIN_VERSION', 'none').encode()]
            """;

    @TempDir
    Path cwd;

    /**
     * Also what a refresh touches (item 5): the python plugin's workers, and the kernel, live
     * through the three updates of echo untouched (the same worker, one generation).
     */
    @Test
    void echoUpdatedThreeTimesByTheDropInDirectoryUnderLoadFailsNoRequestAndTouchesNoOtherPlugin() throws Exception {
        Path drop = Files.createDirectory(cwd.resolve("drop"));
        Files.copy(versioned(ECHO, "0.1.0", ""), drop.resolve("echo.jar"));
        Files.writeString(cwd.resolve("app.py"), VERSION_APP);
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--http-socket-modifier1", "101",
                "--wsgi-file", "app.py", "--bundles-dir", drop.toString())) {
            int port = server.httpPort();
            long worker = server.workerPid(1);
            server.awaitLine("bundles-dir: started org\\.uwsgi4j\\.plugin-echo 0\\.1\\.0", UwsgiProcess.START_TIMEOUT);
            var load = Load.start(port, 10, 10, "/swap", r -> { });
            load.awaitMore(200);
            for (int v = 1; v <= 3; v++) {
                replace(drop.resolve("echo.jar"), versioned(ECHO, "0.1." + v, ""));
                server.awaitLine("bundles-dir: updated org\\.uwsgi4j\\.plugin-echo 0\\.1\\." + v, SWAP);
                server.awaitLine("bundles-dir: started org\\.uwsgi4j\\.plugin-echo 0\\.1\\." + v, SWAP);
                load.awaitMore(200);
            }
            assertEquals(List.of(), load.stop(), server.output());
            assertTrue(server.output().lines().noneMatch(l -> l.contains("unavailable modifier")), server.output());
            server.awaitLine("modifier1 101: its next runtime took over", SWAP);
            assertEquals(1, server.output().lines().filter(l -> l.matches(".*spawned uWSGI worker 1 .*")).count(), server.output());
            assertTrue(server.output().lines().noneMatch(l -> l.contains("generation 2") || l.contains("modifier1 0:")), server.output());
            assertEquals(1, server.output().lines().filter(l -> l.contains("uwsgi4j is ready")).count(), "the kernel did not restart");
            assertTrue(ProcessHandle.of(worker).map(ProcessHandle::isAlive).orElse(false), "the python worker lives on");
        }
    }

    @Test
    void pythonUpgradedByDropInThenUpdatedUnderLoadFailsNoRequestAndABrokenUpgradeLeavesTheRunningOne() throws Exception {
        Path drop = Files.createDirectory(cwd.resolve("drop"));
        Files.writeString(cwd.resolve("app.py"), VERSION_APP);
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--wsgi-file", "app.py", "--master",
                "--processes", "2", "--bundles-dir", drop.toString())) {
            int port = server.httpPort();
            server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
            Set<String> seen = ConcurrentHashMap.newKeySet();
            var load = Load.start(port, 10, 10, "/", r -> seen.add(r.text()));
            load.awaitMore(100);
            assertEquals(Set.of("0.1.0"), seen);

            // item 3: a newer version of a distribution plugin dropped in replaces it live
            replace(drop.resolve("python.jar"), versioned(PYTHON, "0.1.1", ""));
            server.awaitLine("plugin org\\.uwsgi4j\\.plugin-python: 0\\.1\\.0 replaced by 0\\.1\\.1", SWAP);
            awaitServed(load, seen, "0.1.1");

            // item 2: the dropped-in jar updated: the pool reloads with the new version's host
            replace(drop.resolve("python.jar"), versioned(PYTHON, "0.1.2", ""));
            server.awaitLine("bundles-dir: updated org\\.uwsgi4j\\.plugin-python 0\\.1\\.2", SWAP);
            awaitServed(load, seen, "0.1.2");

            // a newer version that cannot resolve: one line, the running version serves on
            replace(drop.resolve("python-broken.jar"), versioned(PYTHON, "0.1.3", "org.example.nosuch"));
            server.awaitLine("plugin org\\.uwsgi4j\\.plugin-python: not replacing 0\\.1\\.2 by 0\\.1\\.3: .*org\\.example\\.nosuch", SWAP);
            seen.clear();
            load.awaitMore(100);
            assertEquals(Set.of("0.1.2"), seen);
            Files.delete(drop.resolve("python-broken.jar"));

            // removing the upgrade brings the distribution's version back the same way
            Files.delete(drop.resolve("python.jar"));
            server.awaitLine("plugin org\\.uwsgi4j\\.plugin-python: 0\\.1\\.2 went away; 0\\.1\\.0 back", SWAP);
            awaitServed(load, seen, "0.1.0");

            assertEquals(List.of(), load.stop(), server.output());
            assertTrue(server.output().lines().noneMatch(l -> l.contains("unavailable modifier")), server.output());
        }
    }

    @Test
    void removedInJvmPluginFinishesWhatItHoldsThenAnswers502AfterTheGrace() throws Exception {
        Path drop = Files.createDirectory(cwd.resolve("drop"));
        Files.copy(ECHO, drop.resolve("echo.jar"));
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--http-socket-modifier1", "101",
                "--stats", "127.0.0.1:0", "--auto-post-buffering", "0", "--plugin-swap-grace", "1",
                "--bundles-dir", drop.toString())) {
            int port = server.httpPort();
            int stats = Integer.parseInt(server.awaitLine("Stats server enabled on 127\\.0\\.0\\.1:(\\d+)",
                    UwsgiProcess.START_TIMEOUT).group(1));
            server.awaitLine("bundles-dir: started org\\.uwsgi4j\\.plugin-echo", UwsgiProcess.START_TIMEOUT);

            try (var inHand = new RawHttp(port)) {
                // the body comes later: echo holds this request while it reads it
                inHand.send("POST /in-hand HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nfirst");
                awaitInRequest(stats);
                Files.delete(drop.resolve("echo.jar"));
                server.awaitLine("modifier1 101: waiting for 1 request\\(s\\) in hand", SWAP);
                inHand.send("-half");
                var r = inHand.read();
                assertEquals(200, r.status(), r.text());
                assertTrue(r.text().endsWith("\nfirst-half"), r.text());
            }
            server.awaitLine("bundles-dir: uninstalled org\\.uwsgi4j\\.plugin-echo", SWAP);
            var later = RawHttp.inBackground(() -> RawHttp.get(port, "/later"));
            server.awaitLine("^-- unavailable modifier requested: 101 --$", SWAP);
            assertEquals(502, later.get().status());
            assertTrue(server.isAlive());
        }
    }

    @Test
    void shellSwapsAPluginFromAJarWithTheDropInChecksAndRefusesWhatCannotServe() throws Exception {
        Path socket = cwd.resolve("shell.sock");
        try (var server = UwsgiProcess.start(cwd, "--http-socket", "127.0.0.1:0", "--http-socket-modifier1", "101", "--plugins", "echo",
                "--shell-socket", socket.toString())) {
            int port = server.httpPort();
            var shell = new Shell(cwd, server.awaitShell());
            var load = Load.start(port, 2, 2, "/shell", r -> { });
            load.awaitMore(50);

            Path newer = versioned(ECHO, "0.2.0", "");
            var swapped = shell.run("uwsgi:swap echo " + newer);
            assertEquals(0, swapped.exitCode(), swapped.output());
            assertEquals("plugin echo 0.2.0 from " + newer + " is ACTIVE", swapped.lines().getLast(), swapped.output());
            server.awaitLine("plugin org\\.uwsgi4j\\.plugin-echo: 0\\.1\\.0 replaced by 0\\.2\\.0", SWAP);
            load.awaitMore(50);
            var plugins = shell.run("uwsgi:plugins");
            assertTrue(plugins.lines().stream().anyMatch(l -> l.matches("echo\\s+0\\.2\\.0\\s+ACTIVE\\s+101\\s+-\\s+" + newer)),
                    plugins.output());
            assertTrue(plugins.lines().stream().anyMatch(l -> l.matches("echo\\s+0\\.1\\.0\\s+RESOLVED\\s+.*/plugins/plugin-echo\\.jar")),
                    plugins.output());

            Path unsafe = versioned(ECHO, "0.3.0", "");
            Files.setPosixFilePermissions(unsafe, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
            var refused = shell.run("uwsgi:swap echo " + unsafe);
            assertEquals(1, refused.exitCode(), refused.output());
            assertTrue(refused.output().contains("uwsgi:swap " + unsafe + ": refused: unsafe: "), refused.output());

            var other = shell.run("uwsgi:swap python " + newer);
            assertEquals(1, other.exitCode(), other.output());
            assertTrue(other.output().contains("refused: it holds plugin echo"), other.output());

            // a version that resolves but cannot start: the running one is back at once
            Path failing = versioned(ECHO, "0.4.0", "");
            try (var fs = java.nio.file.FileSystems.newFileSystem(failing)) {
                Path mf = fs.getPath("META-INF/MANIFEST.MF");
                Files.writeString(mf, Files.readString(mf).stripTrailing() + "\r\nBundle-Activator: org.example.Nope\r\n\r\n");
            }
            var broken = shell.run("uwsgi:swap echo " + failing);
            assertEquals(1, broken.exitCode(), broken.output());
            assertTrue(broken.output().contains("not swapped, the running version serves on"), broken.output());
            server.awaitLine("plugin org\\.uwsgi4j\\.plugin-echo: 0\\.4\\.0 could not start; 0\\.2\\.0 back", SWAP);
            load.awaitMore(50);
            plugins = shell.run("uwsgi:plugins");
            assertTrue(plugins.lines().stream().anyMatch(l -> l.matches("echo\\s+0\\.2\\.0\\s+ACTIVE\\s+.*")), plugins.output());
            assertTrue(plugins.lines().stream().noneMatch(l -> l.contains("0.4.0")), plugins.output());
            assertEquals(List.of(), load.stop(), server.output());
        }
    }

    /** Polls (bounded) the stats server until a core is in a request. */
    private static void awaitInRequest(int statsPort) throws IOException, InterruptedException {
        for (long deadline = System.nanoTime() + SWAP.toNanos(); ; ) {
            try (var socket = new Socket("127.0.0.1", statsPort)) {
                if (new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("\"in_request\":1")) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no core took the request");
            }
            Thread.sleep(10); // polling the stats server, bounded by the deadline
        }
    }

    /** Waits (bounded) until the load has been served by plugin version {@code version}. */
    private static void awaitServed(Load load, Set<String> seen, String version) throws InterruptedException {
        for (long deadline = System.nanoTime() + SWAP.toNanos(); !seen.contains(version); ) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("version " + version + " never answered; seen: " + seen);
            }
            load.awaitMore(10);
        }
        seen.clear();
        load.awaitMore(50);
    }

    /** Writes {@code jar} beside {@code target} and renames it over {@code target}, as a deployment does. */
    private void replace(Path target, Path jar) throws IOException {
        Path staged = Files.createDirectories(cwd.resolve("staging")).resolve(target.getFileName());
        Files.copy(jar, staged, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * A copy of plugin {@code jar} whose manifest says {@code version}; {@code missingImport}, when
     * not empty, is a package it imports that nothing exports (so it cannot resolve).
     */
    private Path versioned(Path jar, String version, String missingImport) throws IOException {
        Path out = Files.createDirectories(cwd.resolve("jars")).resolve(version + "-" + jar.getFileName());
        try (var in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            if (!missingImport.isEmpty()) {
                String imports = manifest.getMainAttributes().getValue("Import-Package");
                manifest.getMainAttributes().putValue("Import-Package", missingImport + (imports == null ? "" : "," + imports));
            }
            try (var copy = new JarOutputStream(Files.newOutputStream(out), manifest)) {
                for (JarEntry e; (e = in.getNextJarEntry()) != null; ) {
                    copy.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(copy);
                    copy.closeEntry();
                }
            }
        }
        return out;
    }
}
