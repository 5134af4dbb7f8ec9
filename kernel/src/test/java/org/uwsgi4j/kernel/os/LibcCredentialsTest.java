package org.uwsgi4j.kernel.os;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Reads this JVM's ids; the only changes tried are ones the kernel refuses (an invalid id). */
class LibcCredentialsTest {

    private final Credentials credentials = new LibcCredentials();

    @Test
    void idsAreThoseInProcSelfStatus() throws IOException {
        assertEquals(field("Uid:", 0), credentials.uid());
        assertEquals(field("Gid:", 0), credentials.gid());
        String groups = status("Groups:").strip();
        int[] expected = groups.isEmpty() ? new int[0] : Arrays.stream(groups.split("\\s+")).mapToInt(Integer::parseInt).sorted().toArray();
        assertArrayEquals(expected, Arrays.stream(credentials.groups()).sorted().toArray());
    }

    @Test
    void aRefusedChangeIsOneLineWithLibcsReason() {
        assertEquals("setuid(-1): Invalid argument", assertThrows(IOException.class, () -> credentials.setuid(-1)).getMessage());
        assertEquals("setgid(-1): Invalid argument", assertThrows(IOException.class, () -> credentials.setgid(-1)).getMessage());
    }

    private static int field(String key, int index) throws IOException {
        return Integer.parseInt(status(key).strip().split("\\s+")[index]);
    }

    private static String status(String key) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(key))
                .findFirst().orElseThrow().substring(key.length());
    }
}
