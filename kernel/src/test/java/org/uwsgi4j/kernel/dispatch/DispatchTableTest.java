package org.uwsgi4j.kernel.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The modifier1 table: every slot answers (an empty one with the "unavailable modifier" null
 * object), the first target bound keeps its slot, and a modifier1 0 request with nothing in
 * slot 0 goes to the default app, as uWSGI's {@code unconfigured_hook} does.
 */
class DispatchTableTest {

    /** A target that keeps what it is given, with a queue of {@code capacity}. */
    static final class Keeper implements Target {
        final List<ClientRequest> taken = new ArrayList<>();
        final int capacity;

        Keeper(int capacity) {
            this.capacity = capacity;
        }

        final List<RequestQueue.Lane> turns = new ArrayList<>();

        @Override
        public void submit(ClientRequest request) {
            taken.add(request);
        }

        @Override
        public void awaitTurn(RequestQueue.Lane lane) {
            turns.add(lane);
        }

        @Override
        public void expire() {
        }

        @Override
        public int queued() {
            return taken.size();
        }

        @Override
        public int capacity() {
            return capacity;
        }
    }

    private final DispatchTable table = new DispatchTable();

    @Test
    void everyEmptySlotRefusesAsAnUnavailableModifier() {
        for (int m : new int[] {0, 5, 101, 255}) {
            FakeRequest request = new FakeRequest(m);
            table.target(m).submit(request);
            assertEquals("unavailable", request.ended.getNow(null), "modifier1 " + m);
            assertEquals(0, table.target(m).queued());
        }
    }

    @Test
    void aBoundTargetGetsItsModifiersRequestsAndTheFirstOneKeepsTheSlot() {
        Keeper first = new Keeper(10);
        Keeper second = new Keeper(10);
        assertTrue(table.bind(101, first));
        assertFalse(table.bind(101, second));
        FakeRequest request = new FakeRequest(101);
        table.target(101).submit(request);
        assertEquals(List.of(request), first.taken);
        assertTrue(second.taken.isEmpty());

        table.unbind(101, second); // not its slot: nothing happens
        assertSame(first, table.target(101));
        table.unbind(101, first);
        FakeRequest after = new FakeRequest(101);
        table.target(101).submit(after);
        assertEquals("unavailable", after.ended.getNow(null));
    }

    @Test
    void aTargetBeyondItsCapacityStillTakesRequestsAndTheTableCountsEachQueueOnce() throws Exception {
        Keeper one = new Keeper(1);
        Keeper app = new Keeper(10);
        table.bind(7, one);
        table.bindApp(5, app);
        table.target(7).submit(new FakeRequest(7));
        table.target(7).submit(new FakeRequest(7));
        table.target(0).submit(new FakeRequest(0)); // the default app's, through slot 0's null object
        assertEquals(2, table.target(7).queued());
        assertEquals(1, table.target(7).capacity());
        assertEquals(3, table.queued(), "slot 0's null object is not counted again");
        table.target(0).awaitTurn(RequestQueue.Lane.KEPT);
        table.target(9).awaitTurn(RequestQueue.Lane.NEW); // nothing behind it: at once
        assertEquals(List.of(RequestQueue.Lane.KEPT), app.turns, "slot 0's null object waits for the default app's turn");
        assertEquals(List.of(), one.turns);
    }

    @Test
    void modifierZeroFallsBackToTheDefaultAppOnly() {
        Keeper psgi = new Keeper(10);
        Keeper rack = new Keeper(10);
        Keeper echo = new Keeper(10);
        table.bind(101, echo);       // an in-JVM runtime loads no app: never the default
        FakeRequest before = new FakeRequest(0);
        table.target(0).submit(before);
        assertEquals("unavailable", before.ended.getNow(null));

        table.bindApp(5, psgi);
        table.bindApp(7, rack);
        FakeRequest zero = new FakeRequest(0);
        table.target(0).submit(zero);
        assertEquals(List.of(zero), psgi.taken, "the first app loaded is the default");
        assertEquals(1, table.target(0).queued(), "slot 0's queue is the default app's");
        assertEquals(10, table.target(0).capacity());

        FakeRequest six = new FakeRequest(6);
        table.target(6).submit(six);
        assertEquals("unavailable", six.ended.getNow(null), "only modifier1 0 falls back");

        table.unbind(5, psgi);
        FakeRequest next = new FakeRequest(0);
        table.target(0).submit(next);
        assertEquals(List.of(next), rack.taken, "the next app still loaded");

        table.unbind(7, rack);
        FakeRequest none = new FakeRequest(0);
        table.target(0).submit(none);
        assertEquals("unavailable", none.ended.getNow(null));
    }

    @Test
    void aRuntimeInSlotZeroServesModifierZeroItself() {
        Keeper python = new Keeper(10);
        Keeper psgi = new Keeper(10);
        table.bindApp(5, psgi);
        table.bindApp(0, python);
        FakeRequest zero = new FakeRequest(0);
        table.target(0).submit(zero);
        assertEquals(List.of(zero), python.taken);
        assertTrue(psgi.taken.isEmpty());
    }
}
