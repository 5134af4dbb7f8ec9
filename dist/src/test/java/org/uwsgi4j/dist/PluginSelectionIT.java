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
        for (String name : List.of("alarm", "cheaper_busyness", "cron", "echo", "http", "logencoder", "psgi", "python", "rack")) {
            assertTrue(result.lines().stream().anyMatch(l -> l.matches(name + "\\s+\\S+\\s+0\\.1\\.0\\s+.*")),
                    name + " missing from:\n" + result.output());
        }
        assertTrue(result.lines().stream().anyMatch(l -> l.matches("python\\s+python3\\s+.*")), result.output());
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

    /** A plugin jar made here: manifest capability and option specs, no code (its options parse without running it). */
    private static java.nio.file.Path plugin(java.nio.file.Path dir, String name) throws java.io.IOException {
        var manifest = new java.util.jar.Manifest();
        var main = manifest.getMainAttributes();
        main.put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "org.example." + name);
        main.putValue("Bundle-Version", "2.5.0");
        main.putValue("Provide-Capability", "uwsgi4j.plugin;uwsgi4j.plugin=" + name + ";aliases:List<String>=\"" + name + "2\";modifier1:Long=-1");
        java.nio.file.Path jar = dir.resolve(name + ".jar");
        try (var out = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new java.util.jar.JarEntry("OSGI-INF/uwsgi4j/options"));
            out.write((name + "-greeting - required string once - implemented:PluginSelectionIT the greeting of the " + name + " plugin\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    @Test
    void pluginsDirAddsPluginsWhoseOptionsParseEvenUnderStrict() throws Exception {
        java.nio.file.Path extra = java.nio.file.Files.createDirectory(cwd.resolve("more-plugins"));
        plugin(extra, "hello");
        var list = UwsgiProcess.run(cwd, "--plugins-dir", extra.toString(), "--plugins-list");
        assertEquals(0, list.exitCode(), list.output());
        assertTrue(list.lines().stream().anyMatch(l -> l.matches("hello\\s+hello2\\s+2\\.5\\.0\\s+-\\s+hello-greeting")), list.output());

        var config = UwsgiProcess.run(cwd, "--plugins-dir", extra.toString(), "--strict", "--hello-greeting", "hi",
                "--show-config", "--dry-run");
        assertEquals(0, config.exitCode(), config.output());
        assertTrue(config.output().contains("\nhello-greeting = hi\n"), config.output());

        var without = UwsgiProcess.run(cwd, "--strict", "--hello-greeting", "hi", "--dry-run");
        assertEquals(1, without.exitCode(), "unknown without its plugin directory:\n" + without.output());
    }
}
