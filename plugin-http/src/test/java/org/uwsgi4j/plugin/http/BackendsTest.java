package org.uwsgi4j.plugin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Round-robin over the nodes, a refused static node skipped for the grace time, node addresses. */
class BackendsTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final Backends.Node a = new Backends.Node("a", new InetSocketAddress("127.0.0.1", 1));
    private final Backends.Node b = new Backends.Node("b", new InetSocketAddress("127.0.0.1", 2));
    private final Backends.Node c = new Backends.Node("c", new InetSocketAddress("127.0.0.1", 3));

    @Test
    void eachRequestStartsAtTheNextNodeAndListsTheOthersAfterIt() {
        var backends = new Backends(List.of(a, b, c), Duration.ofSeconds(30), true, now::get);
        assertEquals(List.of(a, b, c), backends.order());
        assertEquals(List.of(b, c, a), backends.order());
        assertEquals(List.of(c, a, b), backends.order());
        assertEquals(List.of(a, b, c), backends.order());
    }

    @Test
    void aRefusedStaticNodeIsSkippedForTheGraceTimeThenTriedAgain() {
        var backends = new Backends(List.of(a, b), Duration.ofSeconds(30), true, now::get);
        backends.failed(a);
        assertEquals(List.of(b), backends.order());
        assertEquals(List.of(b), backends.order());
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertEquals(List.of(a, b), backends.order());
        backends.failed(b);
        backends.failed(a);
        assertEquals(List.of(), backends.order(), "every node in its grace time: none to try");
        backends.answered(a);
        assertEquals(List.of(a), backends.order());
    }

    @Test
    void theInstancesOwnSocketIsNeverSkipped() {
        var backends = new Backends(List.of(a), Duration.ofSeconds(30), false, now::get);
        backends.failed(a);
        assertEquals(List.of(a), backends.order());
    }

    @Test
    void nodeAddressesAsUwsgiWritesThem() {
        assertEquals(new InetSocketAddress("127.0.0.1", 3031), Backends.parse("127.0.0.1:3031"));
        assertEquals(new InetSocketAddress("127.0.0.1", 3031), Backends.parse(":3031"));
        assertEquals(new InetSocketAddress("::1", 3031), Backends.parse("[::1]:3031"));
        assertEquals(UnixDomainSocketAddress.of("/run/app.sock"), Backends.parse("/run/app.sock"));
        assertEquals("http-to 127.0.0.1:x: invalid port",
                assertThrows(IllegalArgumentException.class, () -> Backends.parse("127.0.0.1:x")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Backends(List.of(), Duration.ZERO, true, now::get));
    }
}
