package org.uwsgi4j.plugin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The subscription pools: uWSGI's weighted round-robin, a node's modifiers, the tolerance, the stats. */
class SubscriptionsTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final Subscriptions subscriptions = new Subscriptions(Duration.ofSeconds(17), Duration.ofSeconds(30), now::get);

    private void announce(String name, int weight) {
        subscriptions.subscribe(new Subscriptions.Announce("App.example.org", name, new InetSocketAddress("127.0.0.1", 1), 5, 0, weight, -1));
    }

    private List<String> firsts(int requests) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            out.add(subscriptions.order("app.EXAMPLE.org").getFirst().name);
        }
        return out;
    }

    @Test
    void equalWeightsTakeTurnsAndHeavierNodesTakeMore() {
        announce("a", 1);
        announce("b", 1);
        assertEquals(List.of("a", "b", "a", "b"), firsts(4));
        announce("b", 2); // the newest weight counts, as uWSGI
        assertEquals(List.of("a", "b", "b", "a", "b", "b"), firsts(6));
        assertEquals(List.of("a", "b"), subscriptions.order("app.example.org").stream().map(n -> n.name).toList().subList(0, 2),
                "the others follow for failover");
    }

    @Test
    void aNodeKeepsItsModifiersAndLeavesAfterTheTolerance() {
        announce("a", 0);
        Backends.Node a = subscriptions.order("app.example.org").getFirst();
        assertEquals(5, a.modifier1);
        assertEquals(1, a.weight, "weight 0 reads as 1, as uWSGI");
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        announce("a", 0); // kept alive
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertEquals(1, subscriptions.order("app.example.org").size());
        now.addAndGet(Duration.ofSeconds(8).toNanos());
        assertEquals(List.of(), subscriptions.order("app.example.org"), "17 s without an announce: dropped");
    }

    @Test
    void theStatsNameEachPoolAndNode() {
        announce("a", 3);
        subscriptions.answered(subscriptions.order("app.example.org").getFirst());
        var pool = subscriptions.stats().getFirst();
        assertEquals("App.example.org", pool.get("key"));
        assertEquals(1L, pool.get("hits"));
        @SuppressWarnings("unchecked")
        var node = ((List<java.util.Map<String, Object>>) pool.get("nodes")).getFirst();
        assertEquals("a", node.get("name"));
        assertEquals(5, node.get("modifier1"));
        assertEquals(3, node.get("weight"));
        assertEquals(1L, node.get("requests"));
        assertEquals(0, node.get("death_mark"));
    }
}
