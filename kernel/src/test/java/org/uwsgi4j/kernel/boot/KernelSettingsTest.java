package org.uwsgi4j.kernel.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.log.TestOptions;

/** The options the boot steps read, parsed once. */
class KernelSettingsTest {

    @Test
    void touchReloadFilesComeFirstThenTouchWorkersReloadOnes() {
        var s = KernelSettings.from(TestOptions.of("touch-workers-reload", "w", "touch-reload", "a", "touch-reload", "b",
                "touch-chain-reload", "c"));
        assertEquals(List.of(Path.of("a"), Path.of("b"), Path.of("w")), s.touchReload());
        assertEquals(List.of(Path.of("c")), s.touchChainReload());
    }

    @Test
    void eachPidfileIsReadByItsName() {
        var s = KernelSettings.from(TestOptions.of("pidfile", "/run/a.pid", "pidfile2", "/run/b.pid"));
        assertEquals(Optional.of(Path.of("/run/a.pid")), s.pidfile("pidfile"));
        assertEquals(Optional.of(Path.of("/run/b.pid")), s.pidfile("pidfile2"));
    }

    @Test
    void withNoOptionNothingIsAsked() {
        var s = KernelSettings.from(TestOptions.of());
        assertFalse(s.version() || s.help() || s.pluginsList() || s.shell() || s.shellSocketPublic());
        assertTrue(s.stats().isEmpty() && s.shellSocket().isEmpty() && s.bundlesDir().isEmpty() && s.runtimeDir().isEmpty());
    }
}
