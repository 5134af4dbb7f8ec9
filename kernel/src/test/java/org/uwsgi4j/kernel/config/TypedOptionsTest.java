package org.uwsgi4j.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The typed getters of {@link org.uwsgi4j.kernel.api.Options}: the value given, else the option table's default, else 0. */
class TypedOptionsTest {

    @TempDir
    Path cwd;

    @Test
    void aGivenValueIsReadAsANumber() throws Exception {
        ResolvedConfig config = TestConfigs.load(cwd, "--listen", " 250 ", "--harakiri", "30", "--cheaper-rss-limit-soft", "8589934592");
        assertEquals(250, config.intValue("listen"));
        assertEquals(Duration.ofSeconds(30), config.seconds("harakiri"));
        assertEquals(8_589_934_592L, config.number("cheaper-rss-limit-soft"));
    }

    @Test
    void anOptionNotGivenHasItsTableDefault() throws Exception {
        ResolvedConfig config = TestConfigs.load(cwd, "--master");
        assertEquals(100, config.intValue("listen"));
        assertEquals(Duration.ofSeconds(60), config.seconds("worker-reload-mercy"));
        assertEquals(1, config.intValue("workers"), "an alias reads the same option");
    }

    @Test
    void anOptionWithNeitherValueNorDefaultIsZero() throws Exception {
        ResolvedConfig config = TestConfigs.load(cwd, "--master");
        assertEquals(Duration.ZERO, config.seconds("harakiri"));
        assertEquals(0, config.intValue("max-requests"));
        assertEquals(0L, config.number("cheaper"));
    }

    @Test
    void aValueThatIsNoNumberIsRefusedWhileReadingTheConfiguration() {
        var e = assertThrows(ConfigException.class, () -> TestConfigs.load(cwd, "--listen", "many"));
        assertEquals("command line: option 'listen': 'many' is not a number", e.getMessage());
    }
}
