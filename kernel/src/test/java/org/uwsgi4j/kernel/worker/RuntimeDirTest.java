package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker sockets' directory is the owner's alone (0700), and each instance has its own random token. */
class RuntimeDirTest {

    @TempDir
    Path tmp;

    @Test
    void aFreshDirectoryIs0700AndGoneWhenClosed() throws Exception {
        Path path;
        try (RuntimeDir dir = RuntimeDir.create(null)) {
            path = dir.path();
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
            assertTrue(dir.token().matches("[0-9a-f]{32}"), dir.token());
        }
        assertFalse(Files.exists(path));
    }

    @Test
    void aGivenDirectoryIsMade0700EvenWhenItWasOpen() throws Exception {
        Path given = Files.createDirectory(tmp.resolve("run"));
        Files.setPosixFilePermissions(given, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (RuntimeDir dir = RuntimeDir.create(given)) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(given)));
        }
        try (RuntimeDir made = RuntimeDir.create(tmp.resolve("new/run"))) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made.path())));
        }
    }

    @Test
    void eachInstanceHasItsOwnToken() throws Exception {
        try (RuntimeDir a = RuntimeDir.create(null); RuntimeDir b = RuntimeDir.create(null)) {
            assertNotEquals(a.token(), b.token());
        }
    }
}
