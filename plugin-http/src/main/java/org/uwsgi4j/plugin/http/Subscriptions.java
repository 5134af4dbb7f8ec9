package org.uwsgi4j.plugin.http;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pools of a subscription server (uWSGI's {@code core/subscription.c}): for each key (a
 * Host header's value) the nodes that announced themselves for it, balanced round-robin. A
 * node stays while it announces itself again within {@code --subscription-tolerance} seconds,
 * leaves when it unsubscribes, and is skipped for {@code --http-gracetime} after it refused a
 * connection. Keys are compared without case, as host names are.
 */
final class Subscriptions implements Balancer {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    /** One subscribed node and when it last announced itself. */
    private static final class Member {
        final Backends.Node node;
        volatile long lastSeen;
        volatile long deadUntil;

        Member(Backends.Node node, long now) {
            this.node = node;
            this.lastSeen = now;
        }
    }

    /** The nodes of one key. */
    private static final class Pool {
        final String key;
        final java.util.concurrent.atomic.LongAdder hits = new java.util.concurrent.atomic.LongAdder();
        final List<Member> members = new CopyOnWriteArrayList<>();

        Pool(String key) {
            this.key = key;
        }

        final AtomicInteger cursor = new AtomicInteger();
    }

    private final Map<String, Pool> pools = new ConcurrentHashMap<>();
    private final long toleranceNanos;
    private final long graceNanos;
    private final LongSupplier nanoClock;
    private final long pid = ProcessHandle.current().pid();

    Subscriptions(Duration tolerance, Duration gracetime, LongSupplier nanoClock) {
        this.toleranceNanos = tolerance.toNanos();
        this.graceNanos = gracetime.toNanos();
        this.nanoClock = nanoClock;
    }

    /** A node announced itself for {@code key} (uWSGI's subscription packet, modifier2 0). */
    void subscribe(String key, String name, SocketAddress address) {
        String k = key.toLowerCase(Locale.ROOT);
        long now = nanoClock.getAsLong();
        Pool pool = pools.computeIfAbsent(k, x -> {
            LOG.info("[uwsgi-subscription for pid {}] new pool: {}", pid, key);
            return new Pool(key);
        });
        synchronized (pool) {
            for (Member m : pool.members) {
                if (m.node.name.equals(name)) {
                    m.lastSeen = now;
                    return;
                }
            }
            pool.members.add(new Member(new Backends.Node(name, address), now));
        }
        LOG.info("[uwsgi-subscription for pid {}] {} => new node: {}", pid, key, name);
    }

    /** A node left {@code key} (modifier2 1). */
    void unsubscribe(String key, String name) {
        Pool pool = pools.get(key.toLowerCase(Locale.ROOT));
        if (pool != null && pool.members.removeIf(m -> m.node.name.equals(name))) {
            LOG.info("[uwsgi-subscription for pid {}] {} => removing node {}", pid, key, name);
        }
    }

    @Override
    public List<Backends.Node> order(String host) {
        if (host == null) {
            return List.of();
        }
        Pool pool = pools.get(host.toLowerCase(Locale.ROOT));
        if (pool == null) {
            return List.of();
        }
        pool.hits.increment();
        long now = nanoClock.getAsLong();
        for (Member m : pool.members) {
            if (now - m.lastSeen > toleranceNanos && pool.members.remove(m)) {
                LOG.warn("[uwsgi-subscription for pid {}] {} => marking {} as failed (no announce received in {} seconds)", pid,
                        host, m.node.name, toleranceNanos / 1_000_000_000L);
            }
        }
        List<Member> members = pool.members;
        int n = members.size();
        List<Backends.Node> order = new ArrayList<>(n);
        int start = n == 0 ? 0 : Math.floorMod(pool.cursor.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            Member m = members.get((start + i) % n);
            if (m.deadUntil == 0 || now - m.deadUntil >= 0) {
                order.add(m.node);
            }
        }
        return order;
    }

    @Override
    public void failed(Backends.Node node) {
        node.failures.increment();
        long until = nanoClock.getAsLong() + graceNanos;
        forEach(node, m -> m.deadUntil = until == 0 ? 1 : until);
    }

    @Override
    public void answered(Backends.Node node) {
        node.requests.increment();
        forEach(node, m -> m.deadUntil = 0);
    }

    /** The pools and their nodes as the stats server's {@code subscriptions} list (uWSGI's names). */
    String statsJson() {
        StringBuilder out = new StringBuilder("[");
        long now = nanoClock.getAsLong();
        for (Pool pool : pools.values()) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append("{\"key\":").append(RouterStats.quote(pool.key)).append(",\"hits\":").append(pool.hits.sum())
                    .append(",\"nodes\":[");
            boolean first = true;
            for (Member m : pool.members) {
                out.append(first ? "" : ",").append("{\"name\":").append(RouterStats.quote(m.node.name))
                        .append(",\"modifier1\":0,\"modifier2\":0,\"last_check\":")
                        .append(System.currentTimeMillis() / 1000 - (now - m.lastSeen) / 1_000_000_000L)
                        .append(",\"requests\":").append(m.node.requests.sum())
                        .append(",\"failcnt\":").append(m.node.failures.sum())
                        .append(",\"death_mark\":").append(m.deadUntil != 0 && now - m.deadUntil < 0 ? 1 : 0).append('}');
                first = false;
            }
            out.append("]}");
        }
        return out.append(']').toString();
    }

    private void forEach(Backends.Node node, java.util.function.Consumer<Member> action) {
        for (Pool pool : pools.values()) {
            for (Member m : pool.members) {
                if (m.node == node) {
                    action.accept(m);
                }
            }
        }
    }
}
