package org.uwsgi4j.kernel.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class UserDbTest {

    private final UserDb users = new UserDb();

    @Test
    void namesResolveThroughTheUserDatabase() {
        assertEquals(OptionalInt.of(0), users.uid("root"));
        assertEquals(OptionalInt.of(0), users.gid("root"));
        assertEquals(Optional.of("root"), users.userName(0));
        assertEquals(Optional.of("root"), users.groupName(0));
    }

    @Test
    void numbersAreTakenAsTheyAreEvenWithoutAnEntry() {
        assertEquals(OptionalInt.of(0), users.uid("0"));
        assertEquals(OptionalInt.of(3999999), users.uid("3999999"));
        assertEquals(OptionalInt.of(3999999), users.gid("3999999"));
        assertEquals(Optional.empty(), users.userName(3999999));
        assertEquals(Optional.empty(), users.groupName(3999999));
    }

    @Test
    void unknownNamesResolveToNothing() {
        assertTrue(users.uid("no-such-user-here").isEmpty());
        assertTrue(users.gid("no-such-group-here").isEmpty());
        assertTrue(users.uid("").isEmpty());
        assertTrue(users.uid("-1").isEmpty());
    }

    @Test
    void agreesWithGetentForEveryUserAndGroup() throws Exception {
        for (String line : getent("passwd")) {
            String[] f = line.split(":");
            assertEquals(OptionalInt.of(Integer.parseInt(f[2])), users.uid(f[0]), line);
        }
        for (String line : getent("group")) {
            String[] f = line.split(":");
            assertEquals(OptionalInt.of(Integer.parseInt(f[2])), users.gid(f[0]), line);
        }
    }

    private static java.util.List<String> getent(String db) throws Exception {
        Process p = new ProcessBuilder("getent", db).start();
        var lines = new String(p.getInputStream().readAllBytes()).lines().filter(l -> !l.isBlank()).toList();
        assertEquals(0, p.waitFor());
        assertTrue(!lines.isEmpty());
        return lines;
    }
}
