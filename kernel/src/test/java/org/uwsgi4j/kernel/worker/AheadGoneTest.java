package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.uwsgi4j.kernel.os.AheadFifo;
import org.uwsgi4j.kernel.protocol.Frame;
import org.uwsgi4j.kernel.protocol.FrameType;
import org.uwsgi4j.kernel.protocol.RequestVars;

/**
 * A request written ahead and the GONE of the request in hand (docs/worker-protocol.md,
 * "Requests written ahead"): the test plays the worker on a real Unix socket and a real FIFO.
 * The client of the request in hand fails at its first write, so the kernel means to tell the
 * worker GONE while the next request sits in the FIFO, or was already taken from it.
 */
@Timeout(20)
class AheadGoneTest {

    @TempDir
    Path dir;
    FrameChannel kernelSide;
    FrameChannel workerSide;
    FileChannel workerFifo;
    Ahead ahead;
    final List<Job> givenBack = new CopyOnWriteArrayList<>();

    @BeforeEach
    void connect() throws Exception {
        FrameChannel[] ends = WorkerForwardTest.corePair(dir);
        kernelSide = ends[0];
        workerSide = ends[1];
        Path fifo = dir.resolve("ahead.7.0");
        assertEquals(0, new ProcessBuilder("mkfifo", "-m", "600", fifo.toString()).start().waitFor());
        workerFifo = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
        ahead = new Ahead(AheadFifo.Calls.link().orElseThrow().open(fifo).orElseThrow(), givenBack::add);
    }

    @AfterEach
    void close() throws IOException {
        kernelSide.close();
        workerSide.close();
        ahead.close();
        workerFifo.close();
    }

    /** Serves {@code inHand} (its client fails) on another thread, writing {@code next} ahead once it is in the worker. */
    private CompletableFuture<Job.Outcome> serveWithNextAhead(WorkerForward inHand, WorkerForward next) {
        byte[] frames = next.aheadFrames(AheadFifo.ATOMIC);
        Runnable sent = () -> assertTrue(inHand.unlessGone(() -> ahead.offer(next, frames, frames.length)));
        return CompletableFuture.supplyAsync(() -> inHand.forward(new Job.Turn(kernelSide, () -> true, ahead, false, sent)),
                runnable -> Thread.ofPlatform().start(runnable));
    }

    /** The request in hand (/x, whose client fails at its first write) and the next (/y). */
    private final WorkerForward inHand = WorkerForwardTest.forwarder(WorkerForwardTest.vars("GET", "/x"),
            InputStream.nullInputStream(), new WorkerForwardTest.FailingClient(0));
    private final WorkerForward next = WorkerForwardTest.forwarder(WorkerForwardTest.vars("GET", "/y"),
            InputStream.nullInputStream(), new ClientFixtures.Recorder());

    /** Serves /x with /y written ahead behind it; returns once /x is in the worker and /y in the FIFO. */
    private CompletableFuture<Job.Outcome> serveXWithYAhead() throws Exception {
        CompletableFuture<Job.Outcome> outcome = serveWithNextAhead(inHand, next);
        requestInHandArrives();
        awaitWrittenAhead();
        return outcome;
    }

    private void awaitWrittenAhead() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!ahead.hasPending()) {
            assertTrue(System.nanoTime() < deadline, "nothing written ahead within 5 s");
            Thread.sleep(1);
        }
    }

    private void requestInHandArrives() throws IOException {
        assertEquals(FrameType.REQUEST, workerSide.read().type());
        assertEquals(FrameType.BODY, workerSide.read().type());
    }

    @Test
    void aGoneIsNotSentOnceTheWorkerTookTheNextRequest() throws Exception {
        CompletableFuture<Job.Outcome> outcome = serveXWithYAhead();
        assertTrue(workerFifo.read(ByteBuffer.allocate(65536)) > 0, "the worker takes /y (it has ended /x)");
        workerSide.writeAll(List.of(WorkerForwardTest.start(), WorkerForwardTest.data("x"), Frame.of(FrameType.END)));
        assertEquals(Job.Outcome.DONE, outcome.get(5, TimeUnit.SECONDS));
        Ahead.Claim claim = ahead.claim();
        assertTrue(claim.taken(), "the worker has /y");
        assertEquals(List.of(), givenBack);
        kernelSide.close();
        assertThrows(EOFException.class, workerSide::read, "no GONE: it would have reached /y");
    }

    @Test
    void aGoneTakesTheNextRequestBackFirstWhenTheWorkerHasNotTakenIt() throws Exception {
        CompletableFuture<Job.Outcome> outcome = serveXWithYAhead();
        workerSide.writeAll(List.of(WorkerForwardTest.start(), WorkerForwardTest.data("x")));
        assertEquals(FrameType.GONE, workerSide.read().type(), "the worker is told, /x being still in hand");
        workerSide.write(FrameType.END, 0);
        assertEquals(Job.Outcome.DONE, outcome.get(5, TimeUnit.SECONDS));
        assertEquals(List.of(next), givenBack, "/y went back to the pool");
        assertNull(ahead.claim(), "nothing is left to claim");
    }

    @Test
    void onlyIdempotentRequestsWithTheirBodyHereAndSmallEnoughGoAhead() throws Exception {
        RequestVars get = WorkerForwardTest.vars("GET", "/g");
        byte[] frames = WorkerForwardTest.forwarder(get, InputStream.nullInputStream(), new ClientFixtures.Recorder())
                .aheadFrames(AheadFifo.ATOMIC);
        assertEquals(List.of("REQUEST/1/" + get.blobLength(), "BODY/0/0"), describe(frames));

        RequestVars put = WorkerForwardTest.vars("PUT", "/p", "CONTENT_LENGTH", "5");
        byte[] withBody = WorkerForwardTest.forwarder(put, new ByteArrayInputStream("hello".getBytes()), new ClientFixtures.Recorder())
                .aheadFrames(AheadFifo.ATOMIC);
        assertEquals(List.of("REQUEST/1/" + put.blobLength(), "BODY/0/5", "BODY/0/0"), describe(withBody));

        assertNull(WorkerForwardTest.forwarder(WorkerForwardTest.vars("POST", "/p"), InputStream.nullInputStream(),
                new ClientFixtures.Recorder()).aheadFrames(AheadFifo.ATOMIC), "POST: not safe to send again if its worker dies");
        assertNull(WorkerForwardTest.forwarder(WorkerForwardTest.vars("GET", "/" + "x".repeat(5000)), InputStream.nullInputStream(),
                new ClientFixtures.Recorder()).aheadFrames(AheadFifo.ATOMIC), "over one atomic write");
        assertNull(WorkerForwardTest.forwarder(WorkerForwardTest.vars("PUT", "/p", "CONTENT_LENGTH", "5"),
                new ByteArrayInputStream("he".getBytes()), new ClientFixtures.Recorder()).aheadFrames(AheadFifo.ATOMIC),
                "a body not all here yet");
    }

    /** The frames in {@code bytes} as type/flags/length. */
    private static List<String> describe(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<String> frames = new ArrayList<>();
        while (b.remaining() >= 8) {
            int type = b.get() & 0xff;
            int flags = b.get() & 0xff;
            b.getShort();
            int length = b.getInt();
            frames.add(FrameType.of(type) + "/" + flags + "/" + length);
            b.position(b.position() + length);
        }
        assertEquals(0, b.remaining());
        return frames;
    }
}
