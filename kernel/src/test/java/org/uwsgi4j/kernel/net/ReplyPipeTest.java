package org.uwsgi4j.kernel.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReplyPipeTest {

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads until -1, {@code size} bytes a read at most. */
    private static String readAll(ReplyPipe pipe, int size) throws IOException {
        var out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(size);
        while (pipe.read(buf.clear()) >= 0) {
            out.write(buf.array(), 0, buf.position());
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** Waits until {@code t} waits (parked), the condition a blocked side is in. */
    private static void awaitParked(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING) {
            assertTrue(System.nanoTime() < deadline, "the thread never blocked: " + t.getState());
            Thread.onSpinWait();
        }
    }

    @Test
    void gatheredWritesAreReadInOrderThenTheEnd() throws IOException {
        var pipe = new ReplyPipe(1 << 20);
        pipe.writer().write(new ByteBuffer[] {ascii("HTTP/1.1 200 OK\r\n\r\n"), ascii("hello")});
        pipe.writer().write(ascii(" world"));
        pipe.end();
        assertEquals("HTTP/1.1 200 OK\r\n\r\nhello world", readAll(pipe, 3));
    }

    @Test
    void aWriterPastTheLimitWaitsForTheReaderAndNothingIsLost() throws Exception {
        var pipe = new ReplyPipe(16);
        byte[] data = new byte[100];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        var writer = new Thread(() -> {
            try {
                pipe.writer().write(ByteBuffer.wrap(data));
                pipe.end();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        awaitParked(writer); // 16 bytes in the pipe, 84 waiting for room
        var out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(7);
        while (pipe.read(buf.clear()) >= 0) {
            out.write(buf.array(), 0, buf.position());
        }
        writer.join();
        assertArrayEquals(data, out.toByteArray());
    }

    @Test
    void aWriteLargerThanOneCopyArrivesWholeAndInOrder() throws IOException {
        var pipe = new ReplyPipe(1 << 20);
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i % 251);
        }
        ByteBuffer head = ascii("HTTP/1.1 200 OK\r\n\r\n");
        ByteBuffer body = ByteBuffer.wrap(data);
        assertEquals(head.remaining() + data.length, pipe.writer().write(new ByteBuffer[] {head, body}));
        assertFalse(body.hasRemaining());
        pipe.end();
        String all = readAll(pipe, 8192);
        assertEquals("HTTP/1.1 200 OK\r\n\r\n" + new String(data, StandardCharsets.ISO_8859_1), all);
    }

    @Test
    void closingBeforeTheEndIsAClientGoneAndFailsTheWriter() throws IOException {
        var pipe = new ReplyPipe(1 << 20);
        var abandoned = new AtomicInteger();
        pipe.onAbandon(abandoned::incrementAndGet);
        pipe.writer().write(ascii("HTTP/1.1 200 OK\r\n"));
        pipe.close();
        pipe.close();
        assertEquals(1, abandoned.get(), "told once");
        assertFalse(pipe.isOpen());
        assertThrows(ClosedChannelException.class, () -> pipe.writer().write(ascii("more")));
    }

    @Test
    void closingAfterTheEndTellsNobody() throws IOException {
        var pipe = new ReplyPipe(1 << 20);
        var abandoned = new AtomicInteger();
        pipe.onAbandon(abandoned::incrementAndGet);
        pipe.writer().write(ascii("HTTP/1.1 204 No Content\r\n\r\n"));
        pipe.end();
        pipe.close(); // unread bytes, but the response was whole
        assertEquals(0, abandoned.get());
    }

    @Test
    void aReleasedPipeDropsTheWritesThatComeLateAndTellsNobody() throws IOException {
        var pipe = new ReplyPipe(1 << 20);
        var abandoned = new AtomicInteger();
        pipe.onAbandon(abandoned::incrementAndGet);
        pipe.writer().write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        pipe.release();
        ByteBuffer late = ascii("trailing");
        assertEquals(8, pipe.writer().write(late));
        assertFalse(late.hasRemaining());
        pipe.close();
        assertEquals(0, abandoned.get());
    }

    @Test
    void aCloseFromAnotherThreadFailsTheBlockedRead() throws Exception {
        var pipe = new ReplyPipe(1 << 20);
        var reader = CompletableFuture.supplyAsync(() -> {
            try {
                return pipe.read(ByteBuffer.allocate(10));
            } catch (IOException e) {
                return e;
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!pipe.hasWaitingReader()) {
            assertTrue(System.nanoTime() < deadline, "the read never blocked");
            Thread.onSpinWait();
        }
        pipe.close(); // as the router's deadline does
        assertTrue(reader.get(10, TimeUnit.SECONDS) instanceof AsynchronousCloseException, String.valueOf(reader.get()));
    }
}
