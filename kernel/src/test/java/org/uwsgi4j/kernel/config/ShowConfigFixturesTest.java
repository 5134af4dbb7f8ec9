package org.uwsgi4j.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * --show-config against what the real uWSGI 2.0.21 printed for the same ini files
 * (src/test/resources/config/showconfig, see its README for how they were recorded).
 */
class ShowConfigFixturesTest {

    private static final Path FIXTURES = Path.of("src/test/resources/config/showconfig");

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".expected"))
                    .map(n -> n.substring(0, n.length() - ".expected".length()))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void rendersByteForByteWhatUwsgiPrinted(String name) throws Exception {
        String expected = Files.readString(FIXTURES.resolve(name + ".expected"));
        var loader = new ConfigLoader(TestConfigs.catalog(), Map.of(), FIXTURES, TestConfigs.HOST);
        var config = loader.load(List.of("--ini", name + ".ini", "--show-config", "--dry-run"));
        assertEquals(expected, ShowConfig.render(config));
    }

    @Test
    void thereAreFixtures() throws IOException {
        assertEquals(List.of("django", "layered", "logic"), fixtures().toList());
    }

    @Test
    void flagsAndEmptyValuesAsUwsgiPrintsThem() throws Exception {
        var config = TestConfigs.load(Path.of("."), "--master", "--set-ph", "x=", "--dry-run");
        assertEquals("\n;uWSGI instance configuration\n[uwsgi]\nmaster = true\nset-ph = x=\nx = \n;end of configuration\n\n",
                ShowConfig.render(config));
    }
}
