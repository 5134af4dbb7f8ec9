package org.uwsgi4j.kernel.os;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's end of a worker's ahead FIFO: a real named pipe made with mkfifo(1). */
class AheadFifoTest {

    @TempDir
    Path dir;

    private final AheadFifo.Calls calls = AheadFifo.Calls.link().orElseThrow();

    private Path mkfifo(String name) throws Exception {
        Path path = dir.resolve(name);
        assertEquals(0, new ProcessBuilder("mkfifo", "-m", "600", path.toString()).start().waitFor());
        return path;
    }

    @Test
    void eachEndTakesWhatTheOtherWroteAndTheNameIsGoneOnceOpen() throws Exception {
        Path path = mkfifo("ahead.1.0");
        try (FileChannel worker = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
             AheadFifo fifo = calls.open(path).orElseThrow()) {
            assertFalse(Files.exists(path), "only the descriptors remain");
            byte[] back = new byte[AheadFifo.ATOMIC + 1];
            assertEquals(-1, fifo.read(back), "empty: nothing, at once");
            byte[] request = "REQUEST".getBytes(StandardCharsets.ISO_8859_1);
            assertTrue(fifo.write(request, request.length));
            ByteBuffer got = ByteBuffer.allocate(100);
            worker.read(got);
            assertArrayEquals(request, Arrays.copyOf(got.array(), got.position()), "the worker took it");
            assertEquals(-1, fifo.read(back), "and it is gone for the kernel");
            assertTrue(fifo.write(request, request.length));
            assertEquals(request.length, fifo.read(back), "read back out before the worker looked");
        }
    }

    @Test
    void aWriteOverTheAtomicSizeIsRefused() throws Exception {
        Path path = mkfifo("ahead.2.0");
        try (FileChannel worker = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
             AheadFifo fifo = calls.open(path).orElseThrow()) {
            assertFalse(fifo.write(new byte[AheadFifo.ATOMIC + 1], AheadFifo.ATOMIC + 1));
            assertEquals(-1, fifo.read(new byte[10]), "nothing was written");
        }
    }

    @Test
    void aLinkARegularFileOrNoFileIsNoFifo() throws Exception {
        Path target = Files.writeString(dir.resolve("secret"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("ahead.3.0"), target);
        assertTrue(calls.open(link).isEmpty(), "a link is not followed");
        assertFalse(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS), "its name is removed");
        Path plain = Files.writeString(dir.resolve("ahead.4.0"), "x");
        assertTrue(calls.open(plain).isEmpty(), "a regular file is not written to");
        assertTrue(calls.open(dir.resolve("ahead.5.0")).isEmpty(), "none offered");
        assertEquals("keep", Files.readString(target));
    }
}
