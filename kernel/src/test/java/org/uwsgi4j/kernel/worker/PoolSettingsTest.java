package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.cheaper.CheaperSettings;
import org.uwsgi4j.kernel.log.TestOptions;

/** {@link PoolSettings} from the options, with the option table's defaults (none written in Java). */
class PoolSettingsTest {

    @Test
    void withNoOptionThePoolHasUwsgisDefaults() {
        PoolSettings s = PoolSettings.fromOptions(TestOptions.of(), "0.1.0");
        assertEquals(1, s.processes());
        assertEquals(1, s.threads());
        assertEquals(100, s.listen());
        assertEquals(Duration.ofSeconds(60), s.workerMercy());
        assertEquals(Duration.ZERO, s.harakiri());
        assertEquals(0, s.maxRequests());
        assertEquals(Duration.ZERO, s.maxLifetime());
        assertEquals(Optional.empty(), s.uid());
        assertEquals(CheaperSettings.OFF, s.cheaper());
        assertFalse(s.readsMemory());
    }

    @Test
    void theOptionsGivenAreRead() {
        PoolSettings s = PoolSettings.fromOptions(TestOptions.of("processes", "4", "threads", "2", "harakiri", "30",
                "worker-reload-mercy", "5", "listen", "7", "env", "A=1", "env", "B=x=y", "reload-on-rss", "64",
                "cheaper", "1", "cheaper-algo", "backlog"), "0.1.0");
        assertEquals(4, s.processes());
        assertEquals(2, s.threads());
        assertEquals(Duration.ofSeconds(30), s.harakiri());
        assertEquals(Duration.ofSeconds(5), s.workerMercy());
        assertEquals(7, s.listen());
        assertEquals(Map.of("A", "1", "B", "x=y"), s.env());
        assertEquals(new CheaperSettings(1, 1, 1, 3, "backlog", 0, 0), s.cheaper());
    }

    @Test
    void envAndUnenvApplyInTheirOrder() {
        PoolSettings s = PoolSettings.fromOptions(TestOptions.of("env", "A=1", "unenv", "A", "unenv", "HOME", "env", "B=2",
                "unenv", "B", "env", "B=3"), "0.1.0");
        var expected = new java.util.LinkedHashMap<String, String>();
        expected.put("A", null);
        expected.put("HOME", null);
        expected.put("B", "3");
        assertEquals(expected, s.env());
    }
}
