package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.dispatch.Mount;
import org.uwsgi4j.kernel.dispatch.Mounts;
import org.uwsgi4j.kernel.log.TestOptions;

/** A runtime sees only the mounts it claimed; every other option is the instance's. */
class OwnMountsTest {

    private final Mounts mounts = new Mounts(List.of(Mount.of("/a=app1.py", "python", 0),
            Mount.of("/p=app.psgi", "psgi", 5), Mount.of("/b=pkg.mod:app", "python", 0)), true);
    private final TestOptions options = TestOptions.of("mount", "/a=app1.py", "processes", "2", "mount", "/p=app.psgi",
            "mount", "/b=pkg.mod:app", "manage-script-name", "true");

    @Test
    void pythonSeesItsOwnMountsOnly() {
        var python = new OwnMounts(options, mounts.of("python"));
        assertEquals(List.of("/a=app1.py", "/b=pkg.mod:app"), python.values("mount"));
        assertEquals(Optional.of("/b=pkg.mod:app"), python.value("mount"));
        assertEquals(List.of(Map.entry("mount", "/a=app1.py"), Map.entry("processes", "2"),
                Map.entry("mount", "/b=pkg.mod:app"), Map.entry("manage-script-name", "true")), python.entries());
        assertEquals(2, python.intValue("processes"));
        assertTrue(python.isTrue("manage-script-name"));
    }

    @Test
    void aRuntimeWithoutMountsSeesNone() {
        var rack = new OwnMounts(options, mounts.of("rack"));
        assertEquals(List.of(), rack.values("mount"));
        assertEquals(Optional.empty(), rack.value("mount"));
        assertEquals(List.of("/p=app.psgi"), new OwnMounts(options, mounts.of("psgi")).values("mount"));
    }
}
