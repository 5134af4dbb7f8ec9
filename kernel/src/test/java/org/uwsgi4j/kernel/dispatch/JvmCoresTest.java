package org.uwsgi4j.kernel.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.uwsgi4j.kernel.api.AppRuntime;

/**
 * The in-JVM runtimes' one target: bound into the table for each modifier that has a runtime,
 * its core threads started by the first runtime only, and a runtime that goes away leaves its
 * modifier unavailable again; with a swap grace, its requests wait for the next runtime, and
 * those it has in hand finish before it is released.
 */
@Timeout(20)
class JvmCoresTest {

    private static final AppRuntime HELLO = (request, response) -> {
        response.start("200 OK", List.of(Map.entry("Content-Type", "text/plain")));
        response.body().write("hello".getBytes(StandardCharsets.ISO_8859_1));
    };

    private static final AppRuntime THROWS = (request, response) -> {
        throw new IllegalStateException("broken runtime");
    };

    private final DispatchTable table = new DispatchTable();
    private final Modifiers modifiers = new Modifiers(table);
    private JvmCores cores;

    @AfterEach
    void stop() {
        if (cores != null) {
            modifiers.stopCores(cores);
        }
    }

    private static Map<String, Object> props(int modifier1) {
        return Map.of(AppRuntime.MODIFIER1, modifier1, AppRuntime.PLUGIN, "test");
    }

    @Test
    void theCoresStartWithTheFirstRuntimeBound() throws Exception {
        cores = modifiers.startCores(1, 1, 10, 0, java.time.Duration.ZERO);
        FakeRequest waiting = new FakeRequest(101);
        cores.submit(waiting); // no runtime yet: a running core would answer it "unavailable" at once
        modifiers.bindRuntime(HELLO, props(101));
        assertEquals("done", waiting.ended.get(10, TimeUnit.SECONDS), "served by the runtime bound after it was queued");
        assertEquals("200 OK", waiting.response.status);
        assertEquals("1/0", waiting.servedBy);
    }

    @Test
    void aRuntimeBoundBeforeTheSocketsIsInTheTableOnceTheCoresStart() throws Exception {
        modifiers.bindRuntime(HELLO, props(101));
        cores = modifiers.startCores(2, 2, 10, 0, java.time.Duration.ZERO);
        assertSame(cores, table.target(101));
        FakeRequest request = new FakeRequest(101);
        table.target(101).submit(request);
        assertEquals("done", request.ended.get(10, TimeUnit.SECONDS));
        assertEquals("hello", request.response.body.toString(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aRuntimeThatGoesAwayLeavesItsModifierUnavailable() throws Exception {
        cores = modifiers.startCores(1, 1, 10, 0, java.time.Duration.ZERO);
        modifiers.bindRuntime(HELLO, props(101));
        modifiers.unbindRuntime(HELLO, props(101));
        FakeRequest request = new FakeRequest(101);
        table.target(101).submit(request);
        assertEquals("unavailable", request.ended.getNow(null));
    }

    @Test
    void aRuntimeThatThrowsGetsA500() throws Exception {
        cores = modifiers.startCores(1, 1, 10, 0, java.time.Duration.ZERO);
        modifiers.bindRuntime(THROWS, props(101));
        FakeRequest request = new FakeRequest(101);
        table.target(101).submit(request);
        assertEquals("done", request.ended.get(10, TimeUnit.SECONDS));
        assertEquals("500 Internal Server Error", request.response.status);
    }

    @Test
    void duringASwapRequestsWaitForTheNextRuntimeAndTheOldOneFinishesWhatItHolds() throws Exception {
        cores = modifiers.startCores(1, 2, 10, 0, Duration.ofSeconds(20));
        var entered = new CountDownLatch(1);
        var proceed = new CountDownLatch(1);
        AppRuntime slow = (request, response) -> {
            entered.countDown();
            try {
                proceed.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            HELLO.handle(request, response);
        };
        modifiers.bindRuntime(slow, props(101));
        FakeRequest inHand = new FakeRequest(101);
        table.target(101).submit(inHand);
        assertTrue(entered.await(10, TimeUnit.SECONDS));

        var unbound = new CompletableFuture<Void>();
        Thread.ofVirtual().start(() -> {
            modifiers.unbindRuntime(slow, props(101));
            unbound.complete(null);
        });
        while (table.target(101) == cores) {
            Thread.onSpinWait(); // the unbind holds the slot first
        }
        FakeRequest held = new FakeRequest(101);
        table.target(101).submit(held);
        assertEquals(1, table.target(101).queued(), "held, not refused");
        assertFalse(unbound.isDone(), "the runtime is not released while a request is in hand");
        proceed.countDown();
        assertEquals("done", inHand.ended.get(10, TimeUnit.SECONDS));
        unbound.get(10, TimeUnit.SECONDS);
        assertFalse(held.ended.isDone(), "still waiting for the next runtime");

        modifiers.bindRuntime(HELLO, props(101));
        assertEquals("done", held.ended.get(10, TimeUnit.SECONDS));
        assertEquals("hello", held.response.body.toString(StandardCharsets.ISO_8859_1));
        assertSame(cores, table.target(101));
    }

    @Test
    void whenTheGracePassesWithNoRuntimeTheHeldRequestsAreUnavailable() throws Exception {
        cores = modifiers.startCores(1, 1, 10, 0, Duration.ofMillis(200));
        modifiers.bindRuntime(HELLO, props(101));
        modifiers.unbindRuntime(HELLO, props(101));
        FakeRequest held = new FakeRequest(101);
        table.target(101).submit(held);
        assertEquals("unavailable", held.ended.get(10, TimeUnit.SECONDS));
        FakeRequest later = new FakeRequest(101);
        table.target(101).submit(later);
        assertEquals("unavailable", later.ended.getNow(null), "refused at once once the grace is over");
    }
}
