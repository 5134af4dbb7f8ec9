package org.uwsgi4j.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link StdoutCopier} and {@link FdOutputStream} on real pipes (FFM poll, read, write): what
 * the writer end gets comes out the other side without the dump, the dump is reported, a byte
 * held back is let go by time alone, and an output that fails does not stop the reading.
 */
class StdoutCopierTest {

    private final AtomicInteger dumps = new AtomicInteger();
    /** Descriptors the test opened and has not closed yet (closing one twice could close another's). */
    private final Set<Integer> open = new HashSet<>();

    @AfterEach
    void closeWhatIsLeft() throws IOException {
        for (int fd : open) {
            Fds.close(fd);
        }
    }

    private int[] pipe() throws IOException {
        int[] pipe = Fds.pipe();
        open.add(pipe[0]);
        open.add(pipe[1]);
        return pipe;
    }

    private void close(int fd) throws IOException {
        open.remove(fd);
        Fds.close(fd);
    }

    private static byte[] dump() throws IOException {
        try (InputStream fixture = StdoutCopierTest.class.getResourceAsStream("sigquit-serial.txt")) {
            return fixture.readAllBytes();
        }
    }

    private StdoutCopier startCopier(int from, int to) {
        var copier = new StdoutCopier(from, new FdOutputStream(to), dumps::incrementAndGet);
        Thread.ofPlatform().daemon().start(copier);
        return copier;
    }

    private static InputStream reader(int fd) throws IOException {
        return new FileInputStream("/proc/self/fd/" + fd);
    }

    @Test
    void copiesEverythingButTheDumpUntilTheEndOfThePipe() throws Exception {
        int[] in = pipe();
        int[] out = pipe();
        var copier = startCopier(in[0], out[1]);
        var writer = new FdOutputStream(in[1]);
        writer.write("before\n".getBytes(StandardCharsets.US_ASCII));
        writer.write(dump());
        writer.write("after".getBytes(StandardCharsets.US_ASCII));
        close(in[1]);
        assertTrue(copier.awaitEnd(Duration.ofSeconds(10)), "the copier saw the end of the pipe");
        close(out[1]);
        try (InputStream copied = reader(out[0])) {
            assertEquals("before\nafter", new String(copied.readAllBytes(), StandardCharsets.US_ASCII));
        }
        assertEquals(1, dumps.get());
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aHeldBackDigitIsLetGoByTimeAlone() throws Exception {
        int[] in = pipe();
        int[] out = pipe();
        var copier = startCopier(in[0], out[1]);
        new FdOutputStream(in[1]).write("progress: 42".getBytes(StandardCharsets.US_ASCII));
        try (InputStream copied = reader(out[0])) {
            // the pipe stays open: only the hold time can let "42" go
            assertEquals("progress: 42", new String(copied.readNBytes(12), StandardCharsets.US_ASCII));
        }
        close(in[1]);
        assertTrue(copier.awaitEnd(Duration.ofSeconds(10)));
    }

    @Test
    void aFailingOutputIsReportedOnceAndTheReadingGoesOn() throws Exception {
        int[] in = pipe();
        int[] out = pipe();
        close(out[0]); // writes to out[1] now fail: EPIPE
        var err = new ByteArrayOutputStream();
        PrintStream previous = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            var copier = startCopier(in[0], out[1]);
            var writer = new FdOutputStream(in[1]);
            writer.write("lost\n".getBytes(StandardCharsets.US_ASCII));
            writer.write(dump());
            writer.write("lost too\n".getBytes(StandardCharsets.US_ASCII));
            close(in[1]);
            assertTrue(copier.awaitEnd(Duration.ofSeconds(10)), "the copier read on to the end of the pipe");
        } finally {
            System.setErr(previous);
        }
        assertEquals(1, dumps.get(), "the dump was still seen");
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, said.lines().count(), said);
        assertTrue(said.contains("Broken pipe") && said.contains("dropped from now on"), said);
    }
}
