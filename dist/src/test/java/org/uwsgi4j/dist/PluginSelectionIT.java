package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --plugins-list}, {@code --plugins}, {@code --need-plugin} and the no-argument usage, on the real distribution. */
class PluginSelectionIT {

    @TempDir
    Path cwd;

    @Test
    void pluginsListShowsEveryPluginWithVersionAndModifier() throws Exception {
        var result = UwsgiProcess.run(cwd, "--plugins-list");
        assertEquals(0, result.exitCode(), result.output());
        for (String name : List.of("alarm", "cron", "echo", "logencoder", "psgi", "python", "rack")) {
            assertTrue(result.lines().stream().anyMatch(l -> l.matches(name + "\\s+\\S+\\s+0\\.1\\.0\\s+.*")),
                    name + " missing from:\n" + result.output());
        }
        assertTrue(result.output().contains("python      python3"), result.output());
        assertTrue(result.lines().stream().anyMatch(l -> l.matches("echo\\s+-\\s+0\\.1\\.0\\s+101\\s+-")), result.output());
    }

    @Test
    void unknownPluginIsOneLineListingTheAvailableOnesAndExit1() throws Exception {
        var result = UwsgiProcess.run(cwd, "--plugins", "echo,nosuch");
        assertEquals(1, result.exitCode(), result.output());
        String last = result.lines().getLast();
        assertTrue(last.contains("no plugin named \"nosuch\"") && last.contains("echo") && last.contains("python (python3)"), last);
        assertTrue(result.lines().stream().noneMatch(l -> l.startsWith("\tat ")), "no stack trace:\n" + result.output());
    }

    @Test
    void needPluginFailsWhenMissing() throws Exception {
        var result = UwsgiProcess.run(cwd, "--need-plugin", "nosuch", "--plugins", "echo");
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("no plugin named \"nosuch\" (--need-plugin)"), result.output());
    }

    @Test
    void noArgumentsPrintsUsage() throws Exception {
        var result = UwsgiProcess.run(cwd);
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().startsWith("usage: uwsgi4j"), result.output());
    }
}
