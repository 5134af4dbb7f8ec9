package org.uwsgi4j.kernel.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.uwsgi4j.kernel.api.WorkerCall;
import org.uwsgi4j.kernel.protocol.Frame;
import org.uwsgi4j.kernel.protocol.FrameType;

/**
 * Worker-to-kernel calls (docs/worker-protocol.md, CALL and RESULT): a registered
 * {@link WorkerCall} answers by name, an unknown name or a failing call is an {@code error}
 * RESULT, and a host's CALL on its control channel while the app loads (before READY) is
 * answered there, so an app may call at import time.
 */
@Timeout(10)
class WorkerCallsTest {

    private final WorkerCalls calls = new WorkerCalls();
    private MasterRig rig;

    @AfterEach
    void close() throws Exception {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aRegisteredCallGetsItsArgumentsAndItsValuesAreTheOkResult() {
        List<List<String>> seen = new CopyOnWriteArrayList<>();
        calls.add("echo", args -> {
            seen.add(args);
            return List.of("got", String.join("+", args));
        });
        assertEquals(List.of("ok", "got", "a+b"), calls.answer(0, 0, List.of("echo", "a", "b")));
        assertEquals(List.of(List.of("a", "b")), seen);
        assertEquals(List.of("ok"), calls.answer(0, 0, List.of("echo")).subList(0, 1));
    }

    @Test
    void anUnknownOrRemovedCallIsAnErrorResultNamingIt() {
        assertEquals(List.of("error", "no such call: cache_get"), calls.answer(0, 0, List.of("cache_get", "k")));
        assertEquals(List.of("error", "no such call: "), calls.answer(0, 0, List.of()));
        WorkerCall call = args -> List.of();
        calls.add("gone", call);
        calls.remove("gone", call);
        assertEquals(List.of("error", "no such call: gone"), calls.answer(0, 0, List.of("gone")));
    }

    @Test
    void aStaleRemovalLeavesTheCallThatReplacedIt() {
        WorkerCall first = args -> List.of("first");
        WorkerCall second = args -> List.of("second");
        calls.add("c", first);
        calls.add("c", second);
        calls.remove("c", first);
        assertEquals(List.of("ok", "second"), calls.answer(0, 0, List.of("c")));
    }

    @Test
    void aCallThatThrowsIsAnErrorResultWithItsMessage() {
        calls.add("fails", args -> {
            throw new IllegalStateException("the store is down");
        });
        calls.add("nul", args -> List.of("a\0b"));
        calls.add("null", args -> null);
        assertEquals(List.of("error", "the store is down"), calls.answer(0, 0, List.of("fails")));
        assertEquals("error", calls.answer(0, 0, List.of("nul")).getFirst(), "a value that cannot travel as a field");
        assertEquals("error", calls.answer(0, 0, List.of("null")).getFirst());
    }

    @Test
    void aHostsCallOnItsControlChannelBeforeReadyIsAnswered() throws Exception {
        rig = new MasterRig("processes", "1");
        rig.calls.add("echo", args -> List.of("at import: " + String.join(",", args)));
        MasterRig.Host host = rig.host(rig.current());
        host.send(FrameType.CALL, "echo", "x", "y");
        Frame result = host.next();
        assertEquals(FrameType.RESULT, result.type());
        assertEquals(List.of("ok", "at import: x,y"), result.fields());
        host.send(FrameType.CALL, "nosuch");
        assertEquals(List.of("error", "no such call: nosuch"), host.next().fields());
        assertFalse(rig.current().ready, "a call is not READY");
        host.ready();
        rig.turnUntil("the host is ready", () -> rig.current().ready);
        assertEquals(1, rig.nextFork(host), "the control channel is in step after the calls");
    }
}
