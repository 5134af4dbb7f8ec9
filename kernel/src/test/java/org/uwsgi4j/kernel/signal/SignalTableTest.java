package org.uwsgi4j.kernel.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.api.Signals;
import org.uwsgi4j.kernel.api.WorkerCall;
import org.uwsgi4j.kernel.worker.MasterLoop;

/** Registration rules of the signal table (delivery to workers: SignalsIT and the worker host kit). */
class SignalTableTest {

    private final MasterLoop master = new MasterLoop(null, code -> { });
    private final SignalTable table = new SignalTable(master);
    private final WorkerCall.Caller host = new WorkerCall.Caller(0, 0, 100);

    @AfterEach
    void stop() {
        table.stop();
        master.close();
    }

    @Test
    void uwsgisTargetsAreTakenAndTheLastRegistrationWins() {
        for (String target : List.of("", "worker", "worker0", "workers", "active-workers", "worker3")) {
            table.register(host, 9, target);
        }
        table.register(new WorkerCall.Caller(5, 2, 101), 9, "workers");
        assertEquals(List.of(new Signals.Registration(9, "workers", 5, new TreeSet<>(Set.of(2)), 0, 0)), table.registrations());
        table.register(new WorkerCall.Caller(5, 1, 102), 9, "workers");
        assertEquals(new TreeSet<>(Set.of(1, 2)), table.registrations().getFirst().workers(), "lazy workers each hold theirs");
        table.register(host, 9, "workers");
        assertEquals(new TreeSet<>(Set.of(0)), table.registrations().getFirst().workers(), "a reloaded host's registration replaces them");
        assertTrue(table.registered(9));
        assertFalse(table.registered(10));
    }

    @Test
    void targetsUwsgi4jLacksAndUnknownOnesAreRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> table.register(host, 1, "spooler")).getMessage()
                .contains("not supported by uwsgi4j yet"));
        assertThrows(IllegalArgumentException.class, () -> table.register(host, 1, "mule2"));
        assertThrows(IllegalArgumentException.class, () -> table.register(host, 1, "farm_x"));
        assertEquals("unsupported signal target: nobody",
                assertThrows(IllegalArgumentException.class, () -> table.register(host, 1, "nobody")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> table.register(host, 256, ""));
        assertThrows(IllegalArgumentException.class, () -> table.raise(-1));
        assertThrows(IllegalArgumentException.class, () -> table.addTimer(1, 0, 0));
        assertEquals(List.of(), table.registrations());
    }

    @Test
    void raisingCountsEvenWhenNoWorkerCanTakeIt() {
        table.register(host, 4, "");
        table.raise(4);
        table.raise(4);
        table.raise(5); // not registered, no pool: one log line, nothing else
        assertEquals(2, table.registrations().getFirst().raised());
        assertEquals(0, table.registrations().getFirst().handled());
    }
}
