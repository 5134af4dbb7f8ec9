package org.uwsgi4j.kernel.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** StrictModes for code paths: the path, then every parent up to /, with /tmp's sticky exception. */
class CodePathsTest {

    @TempDir
    Path tmp;
    private CodePaths paths;
    private int me;

    @BeforeEach
    void setUp() throws Exception {
        me = (Integer) Files.getAttribute(tmp, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        paths = new CodePaths(me);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void aDirectoryAndAJarOnlyTheirOwnerWritesAreSafeUnderTheStickyTmp() throws Exception {
        Path dir = dir("plugins", "rwxr-xr-x");
        Path jar = file(dir.resolve("a.jar"), "rw-r--r--");
        assertEquals(Optional.empty(), paths.problem(dir));
        assertEquals(Optional.empty(), paths.problem(jar));
    }

    @Test
    void writableByGroupOrOthersIsUnsafeAndSaysWhichPathAndMode() throws Exception {
        Path dir = dir("drop", "rwxrwxrwx");
        assertEquals(Optional.of(dir + " is writable by group and others (mode 0777)"), paths.problem(dir));
        Path group = file(dir("ok", "rwxr-xr-x").resolve("g.jar"), "rw-rw-r--");
        assertEquals(Optional.of(group + " is writable by its group (mode 0664)"), paths.problem(group));
        Path other = file(tmp.resolve("ok").resolve("o.cfg"), "rw-r--rw-");
        assertEquals(Optional.of(other + " is writable by others (mode 0646)"), paths.problem(other));
    }

    @Test
    void anUnsafeParentMakesEverythingBelowItUnsafe() throws Exception {
        Path parent = dir("shared", "rwxrwxr-x");
        Path dir = Files.createDirectory(parent.resolve("plugins"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(Optional.of(parent + " is writable by its group (mode 0775)"), paths.problem(dir));
    }

    @Test
    void aStickyParentIsSafeOnlyWhenRootOwnsIt() throws Exception {
        Path sticky = dir("sticky", "rwxrwxrwx");
        Files.setAttribute(sticky, "unix:mode", 01777);
        Path dir = Files.createDirectory(sticky.resolve("plugins"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Optional<String> problem = paths.problem(dir);
        if (me == 0) {
            assertEquals(Optional.empty(), problem, "root's sticky directory, like /tmp");
        } else {
            assertEquals(Optional.of(sticky + " is writable by group and others (mode 1777)"), problem);
        }
        assertEquals(Optional.of(sticky + " is writable by group and others (mode 1777)"), paths.problem(sticky),
                "the sticky bit excuses a parent, never the path itself");
    }

    @Test
    void anotherOwnerIsUnsafe() throws Exception {
        Path dir = dir("theirs", "rwxr-xr-x");
        int stranger = me == 0 ? 65534 : me;
        if (me == 0) {
            Files.setAttribute(dir, "unix:uid", stranger);
            assertEquals(Optional.of(dir + " is owned by uid 65534, not by root"), paths.problem(dir));
            assertEquals(Optional.empty(), new CodePaths(65534).problem(dir), "the server's user may own it");
        } else {
            assertTrue(new CodePaths(me + 1).problem(dir).orElseThrow().contains("is owned by uid " + me));
        }
    }

    @Test
    void aSymbolicLinkIsJudgedByWhatItPointsTo() throws Exception {
        Path unsafe = dir("unsafe", "rwxrwxrwx");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), unsafe);
        assertEquals(Optional.of(unsafe + " is writable by group and others (mode 0777)"), paths.problem(link));
    }

    @Test
    void aMissingPathIsUnsafe() {
        assertTrue(paths.problem(tmp.resolve("nosuch")).orElseThrow().startsWith(tmp.resolve("nosuch") + ": cannot be read"));
    }

    @Test
    void aBundleLocationNamesAFileOnlyWhenItIsAFileUrl() {
        assertEquals(Optional.of(Path.of("/srv/drop/a.jar")), CodePaths.file("file:/srv/drop/a.jar"));
        assertEquals(Optional.of(Path.of("/srv/drop/a.jar")), CodePaths.file("reference:file:/srv/drop/a.jar"));
        assertEquals(Optional.empty(), CodePaths.file("mvn:org.example/a/1.0"));
        assertEquals(Optional.empty(), CodePaths.file("http://example.org/a.jar"));
    }

    private Path dir(String name, String mode) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve(name));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(mode));
        return dir;
    }

    private static Path file(Path file, String mode) throws Exception {
        Files.writeString(file, "x");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }
}
