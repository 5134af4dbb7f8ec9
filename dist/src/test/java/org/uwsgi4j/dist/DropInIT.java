package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drop-in directory on the real distribution: a plugin jar copied in is active within
 * 2 s (seen through the one-shot shell), a broken jar is logged and ignored, a deleted jar is
 * uninstalled; the server keeps answering throughout.
 */
class DropInIT {

    private static final Duration TWO_SECONDS = Duration.ofSeconds(2);

    @TempDir
    Path cwd;

    @Test
    void pluginCopiedInIsActiveAndGoneWhenDeleted() throws Exception {
        Path bundles = Files.createDirectory(cwd.resolve("drop"));
        try (var server = UwsgiProcess.start(cwd, "--shell-socket", cwd.resolve("shell.sock").toString(),
                "--bundles-dir", bundles.toString())) {
            var shell = new Shell(cwd, server.awaitShell());

            Files.writeString(bundles.resolve("broken.jar"), "this is not a zip");
            server.awaitLine("bundles-dir: ignoring .*broken\\.jar: not an OSGi bundle", Duration.ofSeconds(5));

            Path jar = bundles.resolve("echo.jar");
            Files.copy(UwsgiProcess.DIST.resolve("plugins/plugin-echo.jar"), jar);
            long copied = System.nanoTime();
            server.awaitLine("bundles-dir: started org\\.uwsgi4j\\.plugin-echo 0\\.1\\.0", TWO_SECONDS);
            assertTrue(System.nanoTime() - copied < TWO_SECONDS.toNanos(), "active later than 2 s");
            var plugins = shell.run("uwsgi:plugins");
            assertEquals(0, plugins.exitCode(), plugins.output());
            assertTrue(plugins.lines().stream().anyMatch(l -> l.matches("echo\\s+0\\.1\\.0\\s+ACTIVE\\s+101\\s+-\\s+\\S+/drop/echo\\.jar")), plugins.output());

            Files.delete(jar);
            server.awaitLine("bundles-dir: uninstalled org\\.uwsgi4j\\.plugin-echo 0\\.1\\.0", TWO_SECONDS);
            plugins = shell.run("uwsgi:plugins");
            assertTrue(plugins.lines().stream().noneMatch(l -> l.contains("ACTIVE")), plugins.output());
            assertTrue(plugins.lines().stream().anyMatch(l -> l.matches("echo\\s+0\\.1\\.0\\s+available\\s+101 \\(not registered\\)\\s+-\\s+\\S+")),
                    plugins.output());
            assertTrue(server.isAlive());
        }
    }
}
