package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real command with {@code --show-config --dry-run} on ini files whose output was recorded
 * from uWSGI 2.0.21 (kernel/src/test/resources/config/showconfig/README.md says how), and the
 * one-line errors of bad configurations.
 */
class ShowConfigIT {

    private static final Path FIXTURES = Path.of("../kernel/src/test/resources/config/showconfig").toAbsolutePath().normalize();

    @TempDir
    Path cwd;

    /** The --show-config block of a run's output, from its leading blank line to its trailing one. */
    static String block(String output) {
        int start = output.indexOf("\n;uWSGI instance configuration\n");
        int end = output.indexOf(";end of configuration\n", start);
        assertTrue(start >= 0 && end >= 0, "no --show-config block in:\n" + output);
        return output.substring(start, end + ";end of configuration\n".length()) + "\n";
    }

    @ParameterizedTest
    @ValueSource(strings = {"django", "logic", "layered"})
    void printsWhatUwsgiPrinted(String name) throws Exception {
        // %c is the config file's directory name: keep the fixtures' one
        Path dir = Files.createDirectory(cwd.resolve(FIXTURES.getFileName()));
        try (Stream<Path> files = Files.list(FIXTURES)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        var result = UwsgiProcess.run(dir, "--ini", name + ".ini", "--show-config", "--dry-run");
        assertEquals(0, result.exitCode(), result.output());
        assertEquals(Files.readString(FIXTURES.resolve(name + ".expected")), block(result.output()));
        assertTrue(result.output().contains("[uWSGI] getting INI configuration from " + name + ".ini"), result.output());
        assertFalse(result.output().contains("bound to"), "a dry run binds no socket:\n" + result.output());
    }

    @Test
    void theExampleIniWithItsStagingSection() throws Exception {
        Path dir = UwsgiProcess.DIST.resolve("examples/config");
        var result = UwsgiProcess.run(dir, "--ini", "hello.ini:staging", "--show-config", "--dry-run");
        assertEquals(0, result.exitCode(), result.output());
        String expected = Files.readString(Path.of("src/test/resources/showconfig/hello-staging.expected"))
                .replace("@DIR@", dir.toString());
        assertEquals(expected, block(result.output()));
    }

    @Test
    void badConfigurationsAreOneLineAndExit1() throws Exception {
        Files.writeString(cwd.resolve("bad.ini"), "[uwsgi]\nmaster = true\nprocesses = many\n");
        var bad = UwsgiProcess.run(cwd, "--ini", "bad.ini");
        assertEquals(1, bad.exitCode(), bad.output());
        String last = bad.lines().getLast();
        assertTrue(last.contains("bad.ini:3") && last.contains("processes"), last);

        var missing = UwsgiProcess.run(cwd, "--ini", "missing.ini");
        assertEquals(1, missing.exitCode(), missing.output());
        assertTrue(missing.lines().getLast().contains("missing.ini"), missing.output());

        var strict = UwsgiProcess.run(cwd, "--strict", "--no-such-option-anywhere", "1");
        assertEquals(1, strict.exitCode(), strict.output());
        assertTrue(strict.lines().getLast().contains("no-such-option-anywhere"), strict.output());

        for (var r : new UwsgiProcess.Result[] {bad, missing, strict}) {
            assertTrue(r.lines().stream().noneMatch(l -> l.startsWith("\tat ")), "no stack trace:\n" + r.output());
        }
    }

    @Test
    void aTypoIsOneWarningWithDryRunAndAnErrorUnderStrict() throws Exception {
        Files.writeString(cwd.resolve("app.ini"), "[uwsgi]\nmaster = true\nharakri = 30\nbase = 2\nprocesses = %(base * 2)\n");
        var warned = UwsgiProcess.run(cwd, "--ini", "app.ini", "--dry-run");
        assertEquals(0, warned.exitCode(), warned.output());
        assertEquals(List.of("app.ini:3: unknown option 'harakri' (did you mean 'harakiri'?)"),
                warned.lines().stream().filter(l -> l.contains("unknown option")).toList(), "only the typo, not the placeholder in use");
        var strict = UwsgiProcess.run(cwd, "--ini", "app.ini", "--strict", "--dry-run");
        assertEquals(1, strict.exitCode(), strict.output());
        assertTrue(strict.lines().getLast().contains("app.ini:3: unknown option 'harakri' (did you mean 'harakiri'?)"), strict.output());
    }

    @Test
    void versionAndHelp() throws Exception {
        var version = UwsgiProcess.run(cwd, "--version");
        assertEquals(0, version.exitCode());
        assertEquals("0.1.0", version.output().strip());
        var help = UwsgiProcess.run(cwd, "--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.output().contains("--http-socket"), help.output());
        assertTrue(help.output().contains("--wsgi-file"), "plugin options are listed too:\n" + help.output());
    }
}
