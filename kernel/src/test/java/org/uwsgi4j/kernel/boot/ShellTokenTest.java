package org.uwsgi4j.kernel.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --shell-token-file}: an owner-only file whose first line is the token; anything else is one line. */
class ShellTokenTest {

    @TempDir
    Path tmp;

    @Test
    void theFirstLineOfAnOwnerOnlyFileIsTheToken() throws Exception {
        Path file = token("  s3cret \nignored\n", "rw-------");
        assertEquals("s3cret", BindShell.token(file, owner(file)));
        assertEquals("s3cret", BindShell.token(token("s3cret\n", "r--------"), owner(file)));
    }

    @Test
    void aFileOthersCanReadOrWriteIsRefused() throws Exception {
        Path file = token("s3cret\n", "rw-r-----");
        var e = assertThrows(StartupException.class, () -> BindShell.token(file, owner(file)));
        assertEquals("shell-token-file " + file + ": readable or writable by others than its owner (mode 0640); chmod 600 it", e.getMessage());
    }

    @Test
    void anEmptyTokenOrAMissingFileIsRefused() throws Exception {
        Path empty = token("\n", "rw-------");
        assertTrue(assertThrows(StartupException.class, () -> BindShell.token(empty, owner(empty))).getMessage()
                .endsWith("the first line (the token) is empty"));
        Path missing = tmp.resolve("nosuch");
        assertTrue(assertThrows(StartupException.class, () -> BindShell.token(missing, 0)).getMessage()
                .startsWith("shell-token-file " + missing + ": cannot read it"));
    }

    @Test
    void aFileOfAnotherUserIsRefused() throws Exception {
        Path file = token("s3cret\n", "rw-------");
        int owner = owner(file);
        if (owner == 0) {
            Files.setAttribute(file, "unix:uid", 65534);
            assertTrue(assertThrows(StartupException.class, () -> BindShell.token(file, 1000)).getMessage()
                    .contains("owned by uid 65534, not by root or the server's user (uid 1000)"));
        } else {
            assertTrue(assertThrows(StartupException.class, () -> BindShell.token(file, owner + 1)).getMessage()
                    .contains("owned by uid " + owner));
        }
    }

    private Path token(String text, String mode) throws Exception {
        Path file = Files.createTempFile(tmp, "token", "");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    private static int owner(Path file) throws Exception {
        return (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }
}
