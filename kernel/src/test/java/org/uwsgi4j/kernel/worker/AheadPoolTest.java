package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.uwsgi4j.kernel.protocol.Frame;
import org.uwsgi4j.kernel.protocol.FrameType;

/**
 * Requests written ahead (docs/worker-protocol.md, "Requests written ahead") by a pool's cores:
 * two workers played by the test, each offering its ahead FIFO. Both are made busy with a held
 * request; then two requests are queued and worker a ends its request: its core takes the first
 * queued one, and, every core being busy, writes the second into a's FIFO behind it. What
 * happens to that second request is the test.
 */
@Timeout(20)
class AheadPoolTest {

    private MasterRig rig;
    private MasterRig.Core a;
    private MasterRig.Core b;
    /** The worker ids of {@link #a} and {@link #b}. */
    private int aId;
    private int bId;
    private Scripted slow;
    private Scripted fast;

    @BeforeEach
    void twoBusyWorkersAndARequestWrittenAheadOnA() throws Exception {
        rig = new MasterRig("processes", "2");
        MasterRig.Host host = rig.host(rig.current());
        host.ready();
        rig.turnUntil("the host is ready", () -> rig.current().ready);
        assertEquals(1, rig.nextFork(host));
        assertEquals(2, rig.nextFork(host));
        MasterRig.Core one = rig.runCore(1, 101, true);
        MasterRig.Core two = rig.runCore(2, 102, true);
        assertNotNull(rig.worker(1).cores[0].ahead, "the kernel opened worker 1's FIFO");

        Scripted held1 = offer("held1");
        MasterRig.Core first = whoGets("held1", one, two);
        Scripted held2 = offer("held2");
        MasterRig.Core second = first == one ? two : one;
        assertEquals("held2", requestName(second.next()));
        // each core looked for a request to write ahead right after sending its own; none was there
        assertTrue(held1.sent.await(5, TimeUnit.SECONDS) && held2.sent.await(5, TimeUnit.SECONDS));
        a = first;
        b = second;
        aId = first == one ? 1 : 2;
        bId = 3 - aId;
        slow = offer("slow");
        fast = offer("fast");
        end(a); // held1 ends: a's core takes "slow" from the queue and writes "fast" ahead behind it
        assertTrue(held1.done.await(5, TimeUnit.SECONDS));
        assertEquals("slow", requestName(a.next()));
        rig.turnUntil("fast is written ahead", () -> rig.worker(aId).cores[0].ahead.hasPending());
    }

    @AfterEach
    void close() throws Exception {
        rig.close();
    }

    @Test
    void anIdleCoreTakesItBackAndServesItWhileTheOneBeforeItIsStillInTheWorker() throws Exception {
        end(b); // held2 ends: b's core turns idle and takes "fast" back out of a's FIFO
        assertEquals("fast", requestName(b.next()), "b serves the request written ahead on a");
        end(b);
        assertTrue(fast.done.await(5, TimeUnit.SECONDS));
        assertFalse(slow.done.getCount() == 0, "slow is still in worker a");
        assertFalse(fast.sentAhead);
        assertEquals(bId, fast.worker);
        end(a);
        assertTrue(slow.done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of(), a.pending(), "nothing more for a: fast was taken back");
    }

    @Test
    void aWorkerThatTakesItAfterItsEndGetsOnlyItsResponseAskedFor() throws Exception {
        assertEquals("fast", new String(a.takeAhead(), StandardCharsets.ISO_8859_1).substring(8).replace("\0", ""), "the FIFO holds fast's frames");
        end(a); // slow ends; a serves fast, taken from its FIFO, at once
        end(a);
        assertTrue(slow.done.await(5, TimeUnit.SECONDS));
        assertTrue(fast.done.await(5, TimeUnit.SECONDS));
        assertTrue(fast.sentAhead, "fast was not sent again on the channel");
        assertEquals(aId, fast.worker);
        assertEquals(List.of(), a.pending());
        end(b);
    }

    @Test
    void aRequestTheWorkerDidNotTakeComesOnTheChannelAfterTheEnd() throws Exception {
        end(a); // slow ends, the FIFO untouched: the kernel reads fast back and sends it on the channel
        assertTrue(slow.done.await(5, TimeUnit.SECONDS));
        assertEquals("fast", requestName(a.next()));
        end(a);
        assertTrue(fast.done.await(5, TimeUnit.SECONDS));
        assertFalse(fast.sentAhead);
        assertEquals(aId, fast.worker);
        end(b);
    }

    private Scripted offer(String name) {
        Scripted job = new Scripted(name);
        rig.pool.target().offer(job);
        return job;
    }

    /** Which of the two cores is sent the request {@code name} (the other one must get nothing). */
    private static MasterRig.Core whoGets(String name, MasterRig.Core one, MasterRig.Core two) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            for (MasterRig.Core c : List.of(one, two)) {
                if (!c.pending().isEmpty()) {
                    assertEquals(name, requestName(c.next()));
                    return c;
                }
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no core was sent " + name);
    }

    private static void end(MasterRig.Core c) throws IOException {
        c.channel.write(FrameType.END, 0);
    }

    private static String requestName(Frame f) {
        assertNotNull(f, "no request within 5 s");
        assertEquals(FrameType.REQUEST, f.type());
        return f.fields().getFirst();
    }

    /** A request whose frames are its name; it reads its response to END. */
    static final class Scripted extends WorkerPoolTest.DoneJob {
        final String name;
        final CountDownLatch done = new CountDownLatch(1);
        /** Counted down once the core ran what it runs when the request is in the worker (it may write the next one ahead). */
        final CountDownLatch sent = new CountDownLatch(1);
        volatile boolean sentAhead;
        volatile int worker = -1;

        Scripted(String name) {
            this.name = name;
        }

        @Override
        public Outcome forward(FrameChannel channel, BooleanSupplier mayRetry) {
            return forward(new Turn(channel, mayRetry, null, false, () -> { }));
        }

        @Override
        public Outcome forward(Turn turn) {
            sentAhead = turn.sentAhead();
            try {
                if (!turn.sentAhead()) {
                    turn.channel().writeFields(FrameType.REQUEST, 0, name);
                }
                turn.sent().run();
                sent.countDown();
                Frame f = turn.channel().read();
                assertEquals(FrameType.END, f.type());
            } catch (IOException e) {
                return Outcome.WORKER_DIED;
            }
            done.countDown();
            return Outcome.DONE;
        }

        @Override
        public byte[] aheadFrames(int limit) {
            byte[] text = (name + "\0").getBytes(StandardCharsets.ISO_8859_1);
            byte[] out = new byte[8 + text.length];
            out[0] = (byte) FrameType.REQUEST.code();
            out[4] = (byte) text.length;
            System.arraycopy(text, 0, out, 8, text.length);
            return out;
        }

        @Override
        public boolean unlessGone(BooleanSupplier write) {
            return write.getAsBoolean();
        }

        @Override
        public String describe() {
            return "127.0.0.1 - GET /" + name;
        }

        @Override
        public void servedBy(int workerId, int coreId, long pid) {
            worker = workerId;
        }
    }
}
