package org.uwsgi4j.plugin.psgi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What PsgiRuntime hands the Perl host and the log: the mounts as JSON, the apps' name. */
class PsgiRuntimeTest {

    @Test
    void mountsAreMountPointAndFileMadeAbsoluteSplitAtTheFirstEquals() {
        assertEquals("[[\"/a\",\"/srv/app.psgi\"],[\"/b\",\"/abs/x=y.pl\"],[\"\",\"/srv/q \\\"u\\\".psgi\"]]",
                PsgiRuntime.mountsJson(List.of("/a=app.psgi", "/b=/abs/x=y.pl", "=q \"u\".psgi"), Path.of("/srv")));
    }

    @Test
    void theLogNameIsApp0AndTheNumberOfMounts() {
        assertEquals("PSGI app 0 (mountpoint='') from app.psgi", PsgiRuntime.appName(Optional.of("app.psgi"), List.of()));
        assertEquals("PSGI app 0 (mountpoint='') from app.psgi and 1 mount",
                PsgiRuntime.appName(Optional.of("app.psgi"), List.of("/a=a.psgi")));
        assertEquals("PSGI app 0 (mountpoint='/a') from a.psgi and 2 mounts",
                PsgiRuntime.appName(Optional.empty(), List.of("/a=a.psgi", "/b=b.pl")));
    }
}
