package org.uwsgi4j.kernel.os;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcessOwnerTest {

    /** The first (real) id of a line of /proc/self/status ("Uid:\t1000\t1000\t1000\t1000"). */
    private static String status(String field) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(field + ":"))
                .findFirst().orElseThrow().substring(field.length() + 1).strip().split("\\s+")[0];
    }

    @Test
    void theUidAndGidAreTheProcesssOwn() throws IOException {
        assertEquals(Optional.of(status("Uid")), ProcessOwner.uid());
        assertEquals(Optional.of(status("Gid")), ProcessOwner.gid());
    }

    @Test
    void theGroupNameIsTheGroupDatabasesName() throws Exception {
        Process id = new ProcessBuilder("id", "-gn").start();
        String name = new String(id.getInputStream().readAllBytes()).strip();
        assertEquals(0, id.waitFor());
        assertEquals(Optional.of(name), ProcessOwner.groupName());
    }
}
