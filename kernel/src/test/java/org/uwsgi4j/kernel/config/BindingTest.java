package org.uwsgi4j.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.uwsgi4j.kernel.config.TestConfigs.load;
import static org.uwsgi4j.kernel.config.TestConfigs.write;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Binding to specs, validation, strict mode and the Options view. */
class BindingTest {

    @TempDir
    Path dir;

    @Test
    void nonNumberForAnIntOptionNamesFileLineAndOption() throws Exception {
        write(dir, "app.ini", "[uwsgi]\nmaster = true\nprocesses = four\n");
        var e = assertThrows(ConfigException.class, () -> load(dir, "app.ini"));
        assertEquals("app.ini:3: option 'processes': 'four' is not a number", e.getMessage());
    }

    @Test
    void aNegativeValueOfAnIntOptionIsRefusedAsUwsgiDoesZeroIsNot() throws Exception {
        write(dir, "app.ini", "[uwsgi]\nprocesses = -3\n");
        var e = assertThrows(ConfigException.class, () -> load(dir, "app.ini"));
        assertEquals("app.ini:2: option 'processes': invalid value -3: must be >= 0", e.getMessage());
        write(dir, "zero.ini", "[uwsgi]\nharakiri = 0\nlisten = +5\n");
        load(dir, "zero.ini");
    }

    @Test
    void intIsCheckedAfterPlaceholders() throws Exception {
        write(dir, "app.ini", "[uwsgi]\ncores = 2\nprocesses = %(cores * 2)\n");
        assertEquals("4", load(dir, "app.ini").value("processes").orElseThrow());
        var e = assertThrows(ConfigException.class, () -> load(dir, "--processes", "%(nope)"));
        assertEquals("command line: option 'processes': '%(nope)' is not a number", e.getMessage());
    }

    @Test
    void booleanSpellings() throws Exception {
        for (String yes : List.of("true", "yes", "on", "1", "TRUE", "Yes")) {
            write(dir, "b.ini", "[uwsgi]\nmaster = " + yes + "\n");
            assertTrue(load(dir, "b.ini").isTrue("master"), yes);
        }
        for (String no : List.of("false", "no", "off", "0", "False")) {
            write(dir, "b.ini", "[uwsgi]\nmaster = " + no + "\n");
            assertFalse(load(dir, "b.ini").isTrue("master"), no);
        }
        write(dir, "b.ini", "[uwsgi]\nmaster\n");
        assertTrue(load(dir, "b.ini").isTrue("master"));
        assertTrue(load(dir, "-M").isTrue("master"));
        assertFalse(load(dir).isTrue("master"));
        write(dir, "b.ini", "[uwsgi]\nmaster = perhaps\n");
        var e = assertThrows(ConfigException.class, () -> load(dir, "b.ini"));
        assertEquals("b.ini:2: option 'master': 'perhaps' is not a boolean (true/false, yes/no, on/off, 1/0)", e.getMessage());
    }

    @Test
    void unknownOptionsAreKeptAsPlaceholders() throws Exception {
        write(dir, "u.ini", "[uwsgi]\nmy-domain = example.com\nsocket = /tmp/%(my-domain).sock\n");
        var config = load(dir, "u.ini");
        assertEquals("/tmp/example.com.sock", config.value("socket").orElseThrow());
        assertEquals(List.of("my-domain"), config.unknown().stream().map(ResolvedEntry::key).toList());
        assertEquals(Optional.empty(), config.unknown().getFirst().spec());
        assertEquals("example.com", config.value("my-domain").orElseThrow());
    }

    @Test
    void strictRejectsTheFirstUnknownOption() throws Exception {
        write(dir, "s.ini", "[uwsgi]\nstrict = true\nset-ph = ok=1\nzzz = 1\nyyy = 2\n");
        var e = assertThrows(ConfigException.class, () -> load(dir, "s.ini"));
        assertEquals("s.ini:4: unknown option 'zzz' (--strict is set; use set-ph to define a placeholder)", e.getMessage());
        write(dir, "s2.ini", "[uwsgi]\nset-ph = ok=1\nx = %(ok)\n");
        assertThrows(ConfigException.class, () -> load(dir, "--strict", "s2.ini"));
        write(dir, "s3.ini", "[uwsgi]\nset-ph = ok=1\nsocket = %(ok)\n");
        assertEquals("1", load(dir, "--strict", "s3.ini").value("socket").orElseThrow());
        write(dir, "s4.ini", "[uwsgi]\nstrict = false\nzzz = 1\n");
        assertEquals("1", load(dir, "s4.ini").value("zzz").orElseThrow());
    }

    @Test
    void optionsViewUsesCanonicalNamesDefaultsAndAccumulation() throws Exception {
        var config = load(dir, "--workers", "2", "-s", ":1", "--uwsgi-socket", ":2", "--processes", "3", "--master");
        assertEquals(List.of(Map.entry("processes", "2"), Map.entry("socket", ":1"), Map.entry("socket", ":2"),
                Map.entry("processes", "3"), Map.entry("master", "true")), config.entries());
        assertEquals("3", config.value("workers").orElseThrow());
        assertEquals(List.of(":1", ":2"), config.values("uwsgi-socket"));
        assertEquals("100", config.value("listen").orElseThrow());
        assertEquals(Optional.empty(), config.value("http-socket"));
        assertTrue(config.isSet("processes"));
        assertFalse(config.isSet("threads"));
        assertTrue(config.list().stream().allMatch(ResolvedEntry::known));
        assertEquals("processes", config.list().getFirst().spec().orElseThrow().name());
    }

    @Test
    void precedenceEnvThenCommandLineThenFilesInPlaceLastWins() throws Exception {
        write(dir, "a.ini", "[uwsgi]\nprocesses = 2\n");
        write(dir, "b.ini", "[uwsgi]\nprocesses = 5\n");
        var loader = TestConfigs.loader(dir, Map.of("UWSGI_PROCESSES", "1"));
        assertEquals("4", loader.load(List.of("--ini", "a.ini", "--processes", "4")).value("processes").orElseThrow());
        assertEquals("2", loader.load(List.of("--processes", "4", "--ini", "a.ini")).value("processes").orElseThrow());
        assertEquals("5", loader.load(List.of("b.ini", "--processes", "4", "--ini", "a.ini")).value("processes").orElseThrow());
        assertEquals("1", loader.load(List.of()).value("processes").orElseThrow());
    }

    @Test
    void errorsHaveNoStackTraceToPrint() {
        var e = new ConfigException("x.ini:1: boom");
        assertEquals(0, e.getStackTrace().length);
        assertEquals("x.ini:1: boom", e.getMessage());
    }
}
