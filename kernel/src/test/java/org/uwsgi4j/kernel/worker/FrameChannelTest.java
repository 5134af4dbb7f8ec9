package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.uwsgi4j.kernel.protocol.Fields;
import org.uwsgi4j.kernel.protocol.Frame;
import org.uwsgi4j.kernel.protocol.FrameType;

@Timeout(10)
class FrameChannelTest {

    @TempDir
    Path dir;
    SocketChannel a;
    SocketChannel b;

    @BeforeEach
    void connect() throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(dir.resolve("s.sock")));
            a = SocketChannel.open(server.getLocalAddress());
            b = server.accept();
        }
    }

    @AfterEach
    void close() throws IOException {
        a.close();
        b.close();
    }

    /** Writes raw bytes to the peer. */
    private void raw(byte... bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            a.write(buf);
        }
    }

    private static byte[] header(int type, int flags, int reserved, int length) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) type).put((byte) flags).putShort((short) reserved).putInt(length).array();
    }

    private static byte[] bytes(ByteBuffer payload) {
        byte[] out = new byte[payload.remaining()];
        payload.duplicate().get(out);
        return out;
    }

    @Test
    void theWireFormatIsTheSpecs() throws IOException {
        new FrameChannel(a).writeFields(FrameType.FORK, 0, "3");
        ByteBuffer got = ByteBuffer.allocate(64);
        while (got.position() < 10) {
            b.read(got);
        }
        assertArrayEquals(new byte[] {4, 0, 0, 0, 2, 0, 0, 0, '3', 0}, java.util.Arrays.copyOf(got.array(), got.position()));
    }

    @Test
    void framesRoundTripWithTypeFlagsAndPayload() throws IOException {
        FrameChannel w = new FrameChannel(a);
        FrameChannel r = new FrameChannel(b);
        ByteBuffer vars = ByteBuffer.wrap(Fields.encode("REQUEST_METHOD", "GET", "PATH_INFO", "/"));
        w.write(FrameType.REQUEST, Frame.BODY_INLINE, vars);
        w.write(FrameType.BODY, 0);
        w.writeFields(FrameType.START, 0, "200 OK", "Content-Type", "text/plain");
        Frame req = r.read();
        assertEquals(FrameType.REQUEST, req.type());
        assertEquals(Frame.BODY_INLINE, req.flags());
        assertEquals(List.of("REQUEST_METHOD", "GET", "PATH_INFO", "/"), req.fields());
        assertEquals(vars.capacity(), req.length());
        assertEquals(0, vars.position(), "write must not move the payload's position");
        Frame body = r.read();
        assertEquals(FrameType.BODY, body.type());
        assertEquals(0, body.length());
        assertEquals(List.of("200 OK", "Content-Type", "text/plain"), r.read().fields());
    }

    @Test
    void aPayloadInSeveralPartsIsOneFrame() throws IOException {
        FrameChannel w = new FrameChannel(a);
        w.write(FrameType.DATA, 0, ByteBuffer.wrap("hel".getBytes(StandardCharsets.US_ASCII)),
                ByteBuffer.wrap("lo".getBytes(StandardCharsets.US_ASCII)));
        Frame f = new FrameChannel(b).read();
        assertEquals("hello", new String(bytes(f.payload()), StandardCharsets.US_ASCII));
    }

    @Test
    void framesAlreadyReceivedAreReadWithoutBlockingAndPayloadsStayValid() throws IOException {
        FrameChannel w = new FrameChannel(a);
        w.writeAll(List.of(Frame.of(FrameType.START, 0, "200 OK"),
                new Frame(FrameType.DATA, 0, ByteBuffer.wrap(new byte[] {1, 2, 3})), Frame.of(FrameType.END)));
        FrameChannel r = new FrameChannel(b);
        Frame start = r.read();
        assertEquals(FrameType.START, start.type());
        b.shutdownInput(); // from now on the socket reads end of stream: what follows comes from the first read
        Frame data = r.read();
        assertEquals(FrameType.DATA, data.type(), "DATA came in the same write");
        assertEquals(FrameType.END, r.read().type());
        assertThrows(EOFException.class, r::read, "nothing more was buffered: a clean end at a frame boundary");
        assertArrayEquals(new byte[] {1, 2, 3}, bytes(data.payload()));
        assertEquals(List.of("200 OK"), start.fields());
    }

    @Test
    void aLaterReadDoesNotTouchAnEarlierPayload() throws IOException {
        FrameChannel w = new FrameChannel(a);
        w.writeAll(List.of(new Frame(FrameType.DATA, 0, ByteBuffer.wrap(new byte[] {1, 2, 3})), Frame.of(FrameType.END)));
        FrameChannel r = new FrameChannel(b);
        Frame data = r.read();
        assertEquals(FrameType.END, r.read().type());
        w.write(FrameType.DATA, 0, ByteBuffer.wrap(new byte[] {9, 9, 9}));
        r.read();
        assertArrayEquals(new byte[] {1, 2, 3}, bytes(data.payload()), "a later read must not touch an earlier payload");
    }

    @Test
    void largePayloadsCrossTheBufferBothWays() throws Exception {
        byte[] big = new byte[5 * FrameChannel.BUFFER + 123];
        new Random(7).nextBytes(big);
        FrameChannel w = new FrameChannel(a);
        FrameChannel r = new FrameChannel(b);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                w.writeAll(List.of(new Frame(FrameType.BODY, 0, ByteBuffer.wrap(big)), Frame.of(FrameType.BODY)));
                w.write(FrameType.DATA, 0, ByteBuffer.wrap(big, 0, 1000), ByteBuffer.wrap(big, 1000, big.length - 1000));
                w.writeFields(FrameType.END, 0);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertArrayEquals(big, bytes(r.read().payload()));
        assertEquals(0, r.read().length());
        assertArrayEquals(big, bytes(r.read().payload()));
        assertEquals(FrameType.END, r.read().type());
        writer.get();
    }

    @Test
    void aFrameArrivingByteByByteIsReassembled() throws IOException {
        byte[] h = header(FrameType.LOG.code(), 0, 0, 5);
        FrameChannel r = new FrameChannel(b);
        CompletableFuture<Frame> read = CompletableFuture.supplyAsync(() -> {
            try {
                return r.read();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        for (byte x : h) {
            raw(x);
        }
        for (byte x : "hello".getBytes(StandardCharsets.US_ASCII)) {
            raw(x);
        }
        assertEquals("hello", new String(bytes(read.join().payload()), StandardCharsets.US_ASCII));
    }

    @Test
    void cleanEofIsEofException() throws IOException {
        a.close();
        assertThrows(EOFException.class, () -> new FrameChannel(b).read());
    }

    @Test
    void eofInsideAFrameIsAnIoErrorButNotEof() throws IOException {
        raw(header(FrameType.DATA.code(), 0, 0, 10));
        raw(new byte[] {1, 2, 3});
        a.close();
        IOException e = assertThrows(IOException.class, () -> new FrameChannel(b).read());
        assertFalse(e instanceof EOFException, "a truncated frame is not a clean end");
    }

    @Test
    void eofInsideAHeaderIsAnIoErrorButNotEof() throws IOException {
        raw(new byte[] {21, 0, 0});
        a.close();
        IOException e = assertThrows(IOException.class, () -> new FrameChannel(b).read());
        assertFalse(e instanceof EOFException);
    }

    @Test
    void malformedHeadersAreRefused() throws IOException {
        raw(header(99, 0, 0, 0));
        assertThrows(IOException.class, () -> new FrameChannel(b).read(), "unknown type");
    }

    @Test
    void reservedBytesMustBeZero() throws IOException {
        raw(header(FrameType.DATA.code(), 0, 1, 0));
        assertThrows(IOException.class, () -> new FrameChannel(b).read());
    }

    @Test
    void lengthsOver16MiBAreRefusedBeforeAllocating() throws IOException {
        raw(header(FrameType.DATA.code(), 0, 0, FrameChannel.MAX_PAYLOAD + 1));
        FrameChannel r = new FrameChannel(b);
        IOException e = assertThrows(IOException.class, r::read);
        assertTrue(e.getMessage().contains("16777217"), e.getMessage());
    }

    @Test
    void lengthsOver2GiBAreRefused() throws IOException {
        raw(header(FrameType.DATA.code(), 0, 0, -1));
        IOException e = assertThrows(IOException.class, () -> new FrameChannel(b).read());
        assertTrue(e.getMessage().contains("4294967295"), e.getMessage());
    }

    @Test
    void writingTooMuchIsRefused() {
        FrameChannel w = new FrameChannel(a);
        ByteBuffer half = ByteBuffer.allocate(FrameChannel.MAX_PAYLOAD / 2 + 1);
        assertThrows(IllegalArgumentException.class, () -> w.write(FrameType.DATA, 0, half, half));
        assertThrows(IllegalArgumentException.class, () -> w.write(FrameType.DATA, 256));
    }

    @Test
    void closeUnblocksAReader() throws Exception {
        FrameChannel r = new FrameChannel(b);
        CompletableFuture<Throwable> read = CompletableFuture.supplyAsync(() -> {
            try {
                r.read();
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        r.close();
        r.close();
        assertInstanceOf(IOException.class, read.get());
    }

    @Test
    void nonBlockingChannelsAreRefused() throws IOException {
        b.configureBlocking(false);
        assertThrows(IllegalArgumentException.class, () -> new FrameChannel(b));
    }
}
