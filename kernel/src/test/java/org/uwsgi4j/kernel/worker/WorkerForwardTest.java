package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.uwsgi4j.kernel.protocol.Frame;
import org.uwsgi4j.kernel.protocol.FrameType;
import org.uwsgi4j.kernel.protocol.RequestVars;

/**
 * WorkerForward when the client goes away (docs/worker-protocol.md, "The client goes away"):
 * the test plays the worker on the other end of a real Unix socket and the client with a
 * channel that fails as a closed connection does.
 */
@Timeout(20)
class WorkerForwardTest {

    @TempDir
    Path dir;
    FrameChannel kernelSide;
    FrameChannel workerSide;

    @BeforeEach
    void connect() throws IOException {
        FrameChannel[] ends = corePair(dir);
        kernelSide = ends[0];
        workerSide = ends[1];
    }

    /** A core channel over a real Unix socket in {@code dir}: the kernel's end, then the worker's. */
    static FrameChannel[] corePair(Path dir) throws IOException {
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(dir.resolve("core.sock"));
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(address)) {
            SocketChannel kernel = SocketChannel.open(address);
            return new FrameChannel[] {new FrameChannel(kernel), new FrameChannel(server.accept())};
        }
    }

    @AfterEach
    void close() {
        kernelSide.close();
        workerSide.close();
    }

    /** A client connection whose writes succeed {@code good} times, then fail as a reset connection's do. */
    static final class FailingClient extends ClientFixtures.Recorder {
        private int good;

        FailingClient(int good) {
            this.good = good;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            if (good-- <= 0) {
                throw new IOException("Broken pipe");
            }
            return super.write(srcs, offset, length);
        }
    }

    static RequestVars vars(String method, String uri, String... more) {
        RequestVars vars = new RequestVars();
        vars.add("REQUEST_METHOD", method);
        vars.add("REQUEST_URI", uri);
        vars.add("REMOTE_ADDR", "127.0.0.1");
        for (int i = 0; i + 1 < more.length; i += 2) {
            vars.add(more[i], more[i + 1]);
        }
        return vars;
    }

    static WorkerForward forwarder(RequestVars vars, InputStream body, GatheringByteChannel client) {
        return forwarder(vars, body, client, new WorkerCalls());
    }

    static WorkerForward forwarder(RequestVars vars, InputStream body, GatheringByteChannel client, WorkerCalls calls) {
        return new WorkerForward(new ClientFixtures.Request(vars, body, client), calls);
    }

    void worker(Frame... frames) throws IOException {
        workerSide.writeAll(List.of(frames));
    }

    static Frame data(String text) {
        return new Frame(FrameType.DATA, 0, ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    static Frame start() {
        return Frame.of(FrameType.START, 0, "200 OK", "Content-Type", "text/plain");
    }

    /** The next frame the worker receives, which must be of type {@code type}. */
    Frame received(FrameType type) throws IOException {
        Frame f = workerSide.read();
        assertEquals(type, f.type());
        return f;
    }

    @Test
    void aFailedWriteTellsTheWorkerGoneOnceAndTheRestOfTheResponseIsReadAndDropped() throws IOException {
        FailingClient client = new FailingClient(1);   // head + first chunk go out, then the client is gone
        WorkerForward forward = forwarder(vars("GET", "/stream"), InputStream.nullInputStream(), client);
        worker(start(), data("one"), data("two"), data("three"), data("four"), Frame.of(FrameType.END));

        assertEquals(Job.Outcome.DONE, forward.forward(kernelSide, () -> true));

        received(FrameType.REQUEST);
        assertEquals(0, received(FrameType.BODY).length(), "the empty inline body");
        received(FrameType.GONE);
        assertTrue(forward.broken(), "the connection is closed after it");
        assertEquals(1, forward.writeErrors());
        assertTrue(client.text().endsWith("3\r\none\r\n"), client.text());
        workerSide.write(FrameType.LOG, 0);
        assertEquals(FrameType.LOG, kernelSide.read().type(), "everything up to END was read: the channel is in step");
        assertNoMoreFramesFor(forward);
    }

    @Test
    void aClientClosedWhileTheWorkerStreamsIsToldGoneAndTheForwardEndsAtEnd() throws Exception {
        ClientFixtures.Recorder client = new ClientFixtures.Recorder();
        WorkerForward forward = forwarder(vars("GET", "/events"), InputStream.nullInputStream(), client);
        CompletableFuture<Job.Outcome> outcome = CompletableFuture.supplyAsync(() -> forward.forward(kernelSide, () -> true),
                Thread::startVirtualThread);
        received(FrameType.REQUEST);
        received(FrameType.BODY);
        worker(start(), data("tick"));

        forward.clientClosed();                 // the connection's close watch, on its own thread

        received(FrameType.GONE);
        worker(data("late"), Frame.of(FrameType.END));
        assertEquals(Job.Outcome.DONE, outcome.get(10, TimeUnit.SECONDS));
        assertTrue(forward.broken());
        assertEquals(0, forward.writeErrors(), "nothing failed to write");
        assertFalse(client.text().contains("late"), "nothing is written after the client went away: " + client.text());
        assertNoMoreFramesFor(forward);
    }

    @Test
    void aClientThatWentAwayWhileQueuedGetsItsRequestSentWithGoneRightAfter() throws IOException {
        WorkerForward forward = forwarder(vars("GET", "/"), InputStream.nullInputStream(), new ClientFixtures.Recorder());
        forward.clientClosed();
        worker(start(), data("x"), Frame.of(FrameType.END));

        assertEquals(Job.Outcome.DONE, forward.forward(kernelSide, () -> true));

        received(FrameType.REQUEST);
        received(FrameType.BODY);
        received(FrameType.GONE);
        assertNoMoreFramesFor(forward);
    }

    @Test
    void aBodyTheClientStopsSendingIsGoneThenAnEmptyBody() throws IOException {
        InputStream cut = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("client closed the connection with 99000 body bytes unread");
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return read();
            }
        };
        WorkerForward forward = forwarder(vars("POST", "/upload", "CONTENT_LENGTH", "100000"), cut,
                new ClientFixtures.Recorder());
        worker(Frame.of(FrameType.READ, 0, "65536"), Frame.of(FrameType.ERROR, 0, "OSError: error during read(65536) on wsgi.input"));

        assertEquals(Job.Outcome.DONE, forward.forward(kernelSide, () -> true));

        assertEquals(0, received(FrameType.REQUEST).flags(), "a large body is pulled");
        received(FrameType.GONE);
        assertEquals(0, received(FrameType.BODY).length(), "the READ is still answered, with the end of the body");
        assertEquals(1, forward.readErrors());
        assertTrue(forward.appError());
        assertNoMoreFramesFor(forward);
    }

    @Test
    void aCallDuringARequestIsAnsweredByTheRegisteredCallAndTheResponseGoesOn() throws IOException {
        WorkerCalls calls = new WorkerCalls();
        calls.add("echo", args -> List.of("echoed", args.getFirst()));
        ClientFixtures.Recorder client = new ClientFixtures.Recorder();
        WorkerForward forward = forwarder(vars("GET", "/call"), InputStream.nullInputStream(), client, calls);
        worker(Frame.of(FrameType.CALL, 0, "echo", "hi"), Frame.of(FrameType.CALL, 0, "nosuch"),
                start(), data("done"), Frame.of(FrameType.END));

        assertEquals(Job.Outcome.DONE, forward.forward(kernelSide, () -> true));

        received(FrameType.REQUEST);
        received(FrameType.BODY);
        assertEquals(List.of("ok", "echoed", "hi"), received(FrameType.RESULT).fields());
        assertEquals(List.of("error", "no such call: nosuch"), received(FrameType.RESULT).fields());
        assertTrue(client.text().endsWith("4\r\ndone\r\n0\r\n\r\n"), client.text());
        assertFalse(forward.broken());
    }

    @Test
    void aHealthyResponseSendsNoGone() throws IOException {
        ClientFixtures.Recorder client = new ClientFixtures.Recorder();
        WorkerForward forward = forwarder(vars("GET", "/"), new ByteArrayInputStream(new byte[0]), client);
        worker(start(), data("a"), data("b"), Frame.of(FrameType.END));

        assertEquals(Job.Outcome.DONE, forward.forward(kernelSide, () -> true));

        received(FrameType.REQUEST);
        received(FrameType.BODY);
        assertFalse(forward.broken());
        assertTrue(client.text().endsWith("1\r\na\r\n1\r\nb\r\n0\r\n\r\n"), client.text());
        assertNoMoreFramesFor(forward);
    }

    /**
     * Once the request is answered, a late close (the watch seeing the client hang up after its
     * response) writes nothing: the next frame the worker gets is the sentinel written here.
     */
    void assertNoMoreFramesFor(WorkerForward forward) throws IOException {
        forward.clientClosed();
        kernelSide.write(FrameType.STOP, 0);
        assertEquals(FrameType.STOP, workerSide.read().type(), "no GONE after the request ended");
    }
}
