package org.uwsgi4j.kernel.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uwsgi4j.kernel.os.Credentials;
import org.uwsgi4j.kernel.os.UserDb;

class MasterPrivilegesTest {

    /** Records the changes asked for; starts as {@code uid}, becomes what setuid asks. */
    private static final class FakeCredentials implements Credentials {
        final List<String> calls = new ArrayList<>();
        int uid;
        String failOn = "";

        FakeCredentials(int uid) {
            this.uid = uid;
        }

        public int uid() {
            return uid;
        }

        public int gid() {
            return 0;
        }

        public int[] groups() {
            return new int[]{3999997};
        }

        public void setgid(int gid) throws IOException {
            record("setgid(" + gid + ")");
        }

        public void clearGroups() throws IOException {
            record("setgroups()");
        }

        public void initgroups(String user, int gid) throws IOException {
            record("initgroups(" + user + ", " + gid + ")");
        }

        public void setuid(int uid) throws IOException {
            record("setuid(" + uid + ")");
            this.uid = uid;
        }

        private void record(String call) throws IOException {
            if (call.startsWith(failOn) && !failOn.isEmpty()) {
                throw new IOException(call + ": Operation not permitted");
            }
            calls.add(call);
        }
    }

    private final UserDb users = new UserDb();

    private List<String> drop(int startUid, String uid, String gid) throws StartupException {
        var credentials = new FakeCredentials(startUid);
        new MasterPrivileges(credentials, users).drop(Optional.ofNullable(uid), Optional.ofNullable(gid), List.of());
        return credentials.calls;
    }

    @Test
    void rootBecomesGroupThenGroupsThenUser() throws Exception {
        assertEquals(List.of("setgid(3999997)", "initgroups(3999998, 3999997)", "setuid(3999998)"), drop(0, "3999998", "3999997"));
        assertEquals(List.of("setgid(0)", "initgroups(root, 0)", "setuid(0)"), drop(0, "root", "root"));
    }

    @Test
    void oneOfTheTwoClearsTheSupplementaryGroups() throws Exception {
        assertEquals(List.of("setgid(3999997)", "setgroups()"), drop(0, null, "3999997"));
        assertEquals(List.of("setgroups()", "setuid(3999998)"), drop(0, "3999998", null));
    }

    @Test
    void nothingToDoWithoutOptionsOrWhenNotRoot() throws Exception {
        assertEquals(List.of(), drop(0, null, null));
        assertEquals(List.of(), drop(1000, "3999998", "3999997"));
    }

    @Test
    void unknownNamesAndRefusedCallsAreOneLine() {
        assertEquals("uid no-such-user-here: no such user",
                assertThrows(StartupException.class, () -> drop(0, "no-such-user-here", null)).getMessage());
        assertEquals("gid no-such-group-here: no such group",
                assertThrows(StartupException.class, () -> drop(0, "root", "no-such-group-here")).getMessage());
        var refusing = new FakeCredentials(0);
        refusing.failOn = "setuid";
        var e = assertThrows(StartupException.class, () -> new MasterPrivileges(refusing, users)
                .drop(Optional.of("3999998"), Optional.of("3999997"), List.of()));
        assertEquals("setuid(3999998): Operation not permitted", e.getMessage());
    }

    @Test
    void handsTheWholeTreeOverFirst(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(new org.uwsgi4j.kernel.os.LibcCredentials().uid() == 0, "giving files away needs root");
        Path tree = Files.createDirectory(dir.resolve("tree"));
        Path nested = Files.createDirectories(tree.resolve("a/b"));
        Files.writeString(nested.resolve("f"), "x");
        Path outside = Files.writeString(dir.resolve("outside"), "y");
        Files.createSymbolicLink(tree.resolve("link"), outside);
        new MasterPrivileges(new FakeCredentials(0), users).drop(Optional.of("3999998"), Optional.of("3999997"), List.of(tree));
        for (Path p : List.of(tree, tree.resolve("a"), nested, nested.resolve("f"), tree.resolve("link"))) {
            assertEquals(3999998, Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS), p.toString());
            assertEquals(3999997, Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS), p.toString());
        }
        assertEquals(0, Files.getAttribute(outside, "unix:uid"), "a link's target is left alone");
    }
}
