package org.uwsgi4j.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.uwsgi4j.kernel.config.TestConfigs.load;
import static org.uwsgi4j.kernel.config.TestConfigs.write;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A key that is no option and no placeholder in use is probably a typo: one warning, or an error under --strict. */
class TyposTest {

    @TempDir
    Path dir;

    private List<String> warnings(ResolvedConfig config) {
        return config.notices().stream().filter(n -> n.contains("unknown option")).toList();
    }

    @Test
    void aMisspelledOptionIsOneWarningWithFileLineAndTheNearestOption() throws Exception {
        write(dir, "app.ini", "[uwsgi]\nmaster = true\nharakri = 30\nprocesess = 4\n");
        assertEquals(List.of("app.ini:3: unknown option 'harakri' (did you mean 'harakiri'?)",
                "app.ini:4: unknown option 'procesess' (did you mean 'processes'?)"), warnings(load(dir, "app.ini")));
    }

    @Test
    void aKeyFarFromEveryOptionIsWarnedWithoutASuggestion() throws Exception {
        write(dir, "app.ini", "[uwsgi]\nzqxv-flurb = 1\n");
        assertEquals(List.of("app.ini:2: unknown option 'zqxv-flurb'"), warnings(load(dir, "app.ini")));
    }

    @Test
    void aKeyUsedAsAPlaceholderAnywhereIsSilent() throws Exception {
        write(dir, "app.ini", "[uwsgi]\nmy-domain = example.com\nsocket = /tmp/%(my-domain).sock\n"
                + "base = 2\nprocesses = %(base * 2)\nset-ph = port=80\n");
        assertEquals(List.of(), warnings(load(dir, "app.ini")));
    }

    @Test
    void aPlaceholderReferencedFromAnIncludedFileIsSilentToo() throws Exception {
        write(dir, "inner.ini", "[uwsgi]\nchdir = %(project)\n");
        write(dir, "app.ini", "[uwsgi]\nproject = /srv/app\nini = inner.ini\n");
        assertEquals(List.of(), warnings(load(dir, "app.ini")));
    }

    @Test
    void underStrictAMisspelledOptionIsAnErrorWithTheSuggestion() throws Exception {
        write(dir, "app.ini", "[uwsgi]\nstrict = true\nharakri = 30\n");
        var e = assertThrows(ConfigException.class, () -> load(dir, "app.ini"));
        assertEquals("app.ini:3: unknown option 'harakri' (did you mean 'harakiri'?) (--strict is set; use set-ph to define a placeholder)",
                e.getMessage());
    }

    @Test
    void editDistanceCountsASwapOfNeighboursAsOne() {
        assertEquals(1, Typos.distance("harakri", "harakiri", 3));
        assertEquals(1, Typos.distance("porcesses", "processes", 3));
        assertEquals(2, Typos.distance("prcesess", "processes", 3));
        assertEquals(3, Typos.distance("a", "abcdef", 3), "capped");
    }
}
