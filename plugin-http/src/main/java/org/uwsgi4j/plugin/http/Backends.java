package org.uwsgi4j.plugin.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.uwsgi4j.kernel.api.LocalUwsgi;

/**
 * The nodes a router forwards to, balanced round-robin as uWSGI's corerouter does for
 * {@code --http-to}: each request starts at the next node and, when a node refuses the
 * connection, goes on to the following one. A static node ({@code --http-to}) that refused is
 * skipped for {@code --http-gracetime} seconds, then tried again; this instance's own socket
 * (embedded mode) is never skipped.
 */
final class Backends implements Balancer {

    /**
     * One backend: its name as configured and its address; a subscribed node also brings the
     * modifiers its requests carry (-1: the router's) and its weight.
     */
    static final class Node {
        final String name;
        final SocketAddress address;
        final int modifier1;
        final int modifier2;
        final int weight;
        /** This instance's own uwsgi socket served in the JVM (the embedded router's node), or null: a socket to connect to. */
        final LocalUwsgi local;
        private volatile long deadUntil;
        /** Responses it gave (the stats' {@code requests}). */
        final java.util.concurrent.atomic.LongAdder requests = new java.util.concurrent.atomic.LongAdder();
        /** Times it refused, reset or gave nothing (the stats' {@code failcnt}). */
        final java.util.concurrent.atomic.LongAdder failures = new java.util.concurrent.atomic.LongAdder();

        Node(String name, SocketAddress address) {
            this(name, address, -1, -1, 1, null);
        }

        /** This instance's own socket at {@code address}, reached in the JVM through {@code local}. */
        Node(String name, SocketAddress address, LocalUwsgi local) {
            this(name, address, -1, -1, 1, local);
        }

        Node(String name, SocketAddress address, int modifier1, int modifier2, int weight) {
            this(name, address, modifier1, modifier2, weight, null);
        }

        private Node(String name, SocketAddress address, int modifier1, int modifier2, int weight, LocalUwsgi local) {
            this.local = local;
            this.name = name;
            this.address = address;
            this.modifier1 = modifier1;
            this.modifier2 = modifier2;
            this.weight = Math.max(1, weight);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private final List<Node> nodes;
    private final long graceNanos;
    private final boolean skipDead;
    private final LongSupplier nanoClock;
    private final AtomicInteger cursor = new AtomicInteger();

    /**
     * @param skipDead whether refused nodes are skipped for {@code gracetime} (static nodes) or always tried
     */
    Backends(List<Node> nodes, Duration gracetime, boolean skipDead, LongSupplier nanoClock) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("http: no backend (--http-to) and no uwsgi socket of this instance to forward to");
        }
        this.nodes = List.copyOf(nodes);
        this.graceNanos = gracetime.toNanos();
        this.skipDead = skipDead;
        this.nanoClock = nanoClock;
    }

    /** As {@link #order()}: static nodes serve every host. */
    @Override
    public List<Node> order(String host) {
        return order();
    }

    /**
     * The nodes to try for one request, in order: every node not in its grace time, starting
     * with the next in turn. Empty when every node is in its grace time.
     */
    List<Node> order() {
        int n = nodes.size();
        if (n == 1) {
            Node only = nodes.get(0);
            return alive(only, nanoClock.getAsLong()) ? nodes : List.of();
        }
        int start = Math.floorMod(cursor.getAndIncrement(), n);
        long now = nanoClock.getAsLong();
        List<Node> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Node node = nodes.get((start + i) % n);
            if (alive(node, now)) {
                order.add(node);
            }
        }
        return order;
    }

    private boolean alive(Node node, long now) {
        long until = node.deadUntil;
        return until == 0 || now - until >= 0;
    }

    /** {@code node} refused or reset a connection: skipped for the grace time (static nodes). */
    @Override
    public void failed(Node node) {
        node.failures.increment();
        if (skipDead) {
            long until = nanoClock.getAsLong() + graceNanos;
            node.deadUntil = until == 0 ? 1 : until;
        }
    }

    /** {@code node} answered: it is alive again. */
    @Override
    public void answered(Node node) {
        node.requests.increment();
        if (node.deadUntil != 0) {
            node.deadUntil = 0;
        }
    }

    /** Until when {@code node} is in its grace time, in epoch seconds; 0 when it is not (the stats' {@code grace}, as uWSGI's). */
    long graceUntil(Node node) {
        long now = nanoClock.getAsLong();
        if (alive(node, now)) {
            return 0;
        }
        return System.currentTimeMillis() / 1000 + Math.max(1, (node.deadUntil - now) / 1_000_000_000L);
    }

    /** Whether these are other servers ({@code --http-to}), not this instance's own socket. */
    boolean foreign() {
        return skipDead;
    }

    /** The nodes, in configured order. */
    List<Node> nodes() {
        return nodes;
    }

    /**
     * The address {@code text} names, as uWSGI writes a node: {@code HOST:PORT},
     * {@code [V6]:PORT}, or a Unix socket path (anything without a port).
     *
     * @throws IllegalArgumentException when it is neither (one line naming it)
     */
    static SocketAddress parse(String text) {
        String t = text.strip();
        int colon = t.lastIndexOf(':');
        if (t.isEmpty()) {
            throw new IllegalArgumentException("http-to: empty address");
        }
        if (t.contains("/") || colon < 0) {
            return UnixDomainSocketAddress.of(t);
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("http-to " + text + ": invalid port");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("http-to " + text + ": invalid port");
        }
        InetSocketAddress a = new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("http-to " + text + ": unknown host " + host);
        }
        return a;
    }
}
