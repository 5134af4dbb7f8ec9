package org.uwsgi4j.plugin.http;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pools of a subscription server (uWSGI's {@code core/subscription.c}): for each key (a
 * Host header's value) the nodes that announced themselves for it, balanced by uWSGI's
 * weighted round-robin (each node takes {@code weight / smallest weight} requests in turn; equal
 * weights: plain round-robin). A node stays while it announces itself again within
 * {@code --subscription-tolerance} seconds, leaves when it unsubscribes, and is skipped for
 * {@code --http-gracetime} after it refused a connection. Keys are compared without case, as
 * host names are. A node's requests carry the modifiers it announced (unless the router sets
 * its own, {@code --http-modifier1/2}, as uWSGI's router does).
 */
final class Subscriptions implements Balancer {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriptions.class);

    /**
     * One announce (modifier2 0) or goodbye (1) of a node, as its packet gives it.
     *
     * @param name    the node's address as announced ({@code 127.0.0.1:3031}), its name in the pool
     * @param unix    the packet's {@code unix} time of a signed packet, else -1
     */
    record Announce(String key, String name, SocketAddress address, int modifier1, int modifier2, int weight, long unix) {
    }

    /** One subscribed node: when it last announced itself, its turn credits, the last signed time. */
    private static final class Member {
        final Backends.Node node;
        volatile long lastSeen;
        volatile long deadUntil;
        volatile long lastUnix;
        int credits;

        Member(Backends.Node node, long now, long unix) {
            this.node = node;
            this.lastSeen = now;
            this.lastUnix = unix;
        }
    }

    /** The nodes of one key. */
    private static final class Pool {
        final String key;
        final LongAdder hits = new LongAdder();
        final List<Member> members = new CopyOnWriteArrayList<>();

        Pool(String key) {
            this.key = key;
        }
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

    /** A node announced itself (uWSGI's subscription packet, modifier2 0): added, or kept alive. */
    void subscribe(Announce a) {
        String k = a.key().toLowerCase(Locale.ROOT);
        long now = nanoClock.getAsLong();
        Pool pool = pools.computeIfAbsent(k, x -> {
            LOG.info("[uwsgi-subscription for pid {}] new pool: {}", pid, a.key());
            return new Pool(a.key());
        });
        synchronized (pool) {
            for (Member m : pool.members) {
                if (m.node.name.equals(a.name())) {
                    m.lastSeen = now;
                    m.lastUnix = Math.max(m.lastUnix, a.unix());
                    if (m.node.weight != Math.max(1, a.weight()) || m.node.modifier1 != a.modifier1() || m.node.modifier2 != a.modifier2()) {
                        pool.members.set(pool.members.indexOf(m), new Member(node(a), now, m.lastUnix)); // as uWSGI, the newest weight counts
                    }
                    return;
                }
            }
            pool.members.add(new Member(node(a), now, a.unix()));
        }
        LOG.info("[uwsgi-subscription for pid {}] {} => new node: {}", pid, a.key(), a.name());
    }

    private static Backends.Node node(Announce a) {
        return new Backends.Node(a.name(), a.address(), a.modifier1(), a.modifier2(), a.weight());
    }

    /** A node left {@code key} (modifier2 1). */
    void unsubscribe(String key, String name) {
        Pool pool = pools.get(key.toLowerCase(Locale.ROOT));
        if (pool != null && pool.members.removeIf(m -> m.node.name.equals(name))) {
            LOG.info("[uwsgi-subscription for pid {}] {} => removing node {}", pid, key, name);
        }
    }

    /**
     * The {@code unix} time of the last signed packet accepted from node {@code name} of
     * {@code key}, or -1 when the node is not subscribed (a replayed packet carries an older one).
     */
    long lastUnix(String key, String name) {
        Pool pool = pools.get(key.toLowerCase(Locale.ROOT));
        if (pool != null) {
            for (Member m : pool.members) {
                if (m.node.name.equals(name)) {
                    return m.lastUnix;
                }
            }
        }
        return -1;
    }

    /** Whether {@code key} has a pool (signed pools check every packet against its key's public key). */
    boolean hasPool(String key) {
        return pools.containsKey(key.toLowerCase(Locale.ROOT));
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
        List<Member> alive = new ArrayList<>();
        for (Member m : pool.members) {
            if (m.deadUntil == 0 || now - m.deadUntil >= 0) {
                alive.add(m);
            }
        }
        if (alive.isEmpty()) {
            return List.of();
        }
        int first = next(pool, alive);
        List<Backends.Node> order = new ArrayList<>(alive.size());
        for (int i = 0; i < alive.size(); i++) {
            order.add(alive.get((first + i) % alive.size()).node);
        }
        return order;
    }

    /** uWSGI's weighted round-robin: the first node with a turn left takes it; none left, every node gets weight / smallest weight. */
    private static int next(Pool pool, List<Member> alive) {
        synchronized (pool) {
            for (int i = 0; i < alive.size(); i++) {
                if (alive.get(i).credits > 0) {
                    alive.get(i).credits--;
                    return i;
                }
            }
            int min = Integer.MAX_VALUE;
            for (Member m : alive) {
                min = Math.min(min, m.node.weight);
            }
            for (Member m : alive) {
                m.credits = m.node.weight / min;
            }
            alive.get(0).credits--;
            return 0;
        }
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

    /** The pools and their nodes as the stats' {@code subscriptions} list (uWSGI's names). */
    List<Map<String, Object>> stats() {
        List<Map<String, Object>> out = new ArrayList<>();
        long now = nanoClock.getAsLong();
        for (Pool pool : pools.values()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("key", pool.key);
            p.put("hits", pool.hits.sum());
            List<Map<String, Object>> nodes = new ArrayList<>();
            for (Member m : pool.members) {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("name", m.node.name);
                n.put("modifier1", Math.max(0, m.node.modifier1));
                n.put("modifier2", Math.max(0, m.node.modifier2));
                n.put("last_check", System.currentTimeMillis() / 1000 - (now - m.lastSeen) / 1_000_000_000L);
                n.put("requests", m.node.requests.sum());
                n.put("weight", m.node.weight);
                n.put("failcnt", m.node.failures.sum());
                n.put("death_mark", m.deadUntil != 0 && now - m.deadUntil < 0 ? 1 : 0);
                nodes.add(n);
            }
            p.put("nodes", nodes);
            out.add(p);
        }
        return out;
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
