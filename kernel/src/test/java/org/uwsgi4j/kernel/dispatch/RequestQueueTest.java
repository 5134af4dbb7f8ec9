package org.uwsgi4j.kernel.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The overload policy: nothing refused, a full queue makes callers wait their turn, lanes in turn, shedding on a fake clock. */
class RequestQueueTest {

    private final AtomicLong clock = new AtomicLong(1_000);
    private final List<String> shed = new ArrayList<>();

    private RequestQueue<String> queue(int capacity, long timeoutNanos) {
        return new RequestQueue<>(capacity, timeoutNanos, shed::add, clock::get);
    }

    @Test
    void aFullQueueStillTakesEveryRequestInOrder() throws Exception {
        var q = queue(2, 0);
        for (int i = 0; i < 5; i++) {
            q.add("r" + i);
        }
        assertEquals(5, q.size());
        q.addFirst("retry");
        List<String> taken = new ArrayList<>();
        for (String r; (r = q.poll(0, TimeUnit.MILLISECONDS)) != null; ) {
            taken.add(r);
        }
        assertEquals(List.of("retry", "r0", "r1", "r2", "r3", "r4"), taken);
    }

    @Test
    void aTurnIsGivenAtOnceWhileThereIsRoom() throws Exception {
        var q = queue(2, 0);
        q.add("r0");
        q.awaitTurn(RequestQueue.Lane.NEW); // would hang the test if it waited
        assertEquals(0, q.waiting());
    }

    /** Waiters of both lanes are admitted one per request a core takes, the lanes in turn. */
    @Test
    void whenFullEachRequestTakenAdmitsOneWaiterTheLanesTakingTurns() throws Exception {
        var q = queue(1, 0);
        q.add("busy");
        var admitted = new ConcurrentLinkedQueue<String>();
        List<Thread> waiters = new ArrayList<>();
        // three kept-alive connections queue up first, then two new ones
        for (String name : List.of("kept1", "kept2", "kept3", "new1", "new2")) {
            var lane = name.startsWith("kept") ? RequestQueue.Lane.KEPT : RequestQueue.Lane.NEW;
            int before = q.waiting();
            waiters.add(Thread.ofVirtual().start(() -> {
                try {
                    q.awaitTurn(lane);
                    admitted.add(name);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            awaitCondition(() -> q.waiting() == before + 1);
        }
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int seen = admitted.size();
            q.add("more"); // the admitted one brings its request: the queue stays full
            assertTrue(q.poll(0, TimeUnit.MILLISECONDS) != null);
            awaitCondition(() -> admitted.size() == seen + 1);
            order.add(new ArrayList<>(admitted).getLast());
        }
        assertEquals(List.of("new1", "kept1", "new2", "kept2", "kept3"), order,
                "the lanes alternate (NEW first: KEPT was never behind), FIFO within a lane");
        for (Thread t : waiters) {
            t.join();
        }
    }

    @Test
    void aRequestWaitingLongerThanTheTimeoutIsShedNotServed() throws Exception {
        var q = queue(10, Duration.ofSeconds(5).toNanos());
        q.add("old");
        clock.addAndGet(Duration.ofSeconds(3).toNanos());
        q.add("young");
        clock.addAndGet(Duration.ofSeconds(2).toNanos() + 1);
        q.expire();
        assertEquals(List.of("old"), shed);
        assertEquals(1, q.shed());
        assertEquals("young", q.poll(0, TimeUnit.MILLISECONDS));
        assertNull(q.poll(0, TimeUnit.MILLISECONDS));
    }

    @Test
    void withoutATimeoutNothingIsEverShed() throws Exception {
        var q = queue(1, 0);
        q.add("patient");
        clock.addAndGet(Duration.ofDays(1).toNanos());
        q.expire();
        assertEquals("patient", q.poll(0, TimeUnit.MILLISECONDS));
        assertEquals(List.of(), shed);
    }

    private static void awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); !condition.getAsBoolean(); ) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached");
            }
            Thread.sleep(1); // polling a state another thread changes, bounded by the deadline
        }
    }
}
