package org.uwsgi4j.plugin.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.UwsgiPackets;

/**
 * {@code --http-subscription-server ADDR}: a UDP socket receiving uWSGI's subscription packets
 * (a uwsgi packet with modifier1 224; modifier2 0 subscribes, 1 unsubscribes; the variables
 * {@code key} and {@code address} name the pool and the node) into {@link Subscriptions}. A
 * malformed packet is logged in one line and dropped. Packet signing ({@code sign}, uWSGI's
 * {@code --subscriptions-sign-check}) is not checked: bind the server to a trusted address.
 */
final class SubscriptionServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionServer.class);
    static final int SUBSCRIPTION = 224;

    private final DatagramChannel channel;

    SubscriptionServer(String address, Subscriptions subscriptions, UwsgiPackets packets) throws IOException {
        int colon = address.lastIndexOf(':');
        InetSocketAddress bind;
        try {
            String host = colon > 0 ? address.substring(0, colon).replace("[", "").replace("]", "") : "0.0.0.0";
            bind = new InetSocketAddress(host.isEmpty() ? "0.0.0.0" : host, Integer.parseInt(address.substring(colon + 1).strip()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("http-subscription-server " + address + ": a UDP HOST:PORT is needed");
        }
        if (bind.isUnresolved()) {
            throw new IllegalArgumentException("http-subscription-server " + address + ": unknown host");
        }
        channel = DatagramChannel.open();
        channel.bind(bind);
        InetSocketAddress bound = (InetSocketAddress) channel.getLocalAddress();
        LOG.info("uWSGI http subscription server bound on {}:{}", bound.getAddress().getHostAddress(), bound.getPort());
        Thread.ofPlatform().daemon().name("uwsgi4j-http-subscriptions").start(() -> serve(subscriptions, packets));
    }

    private void serve(Subscriptions subscriptions, UwsgiPackets packets) {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (channel.isOpen()) {
            SocketAddress from;
            try {
                buf.clear();
                from = channel.receive(buf);
            } catch (IOException e) {
                if (channel.isOpen()) {
                    LOG.warn("[uwsgi-subscription] receive failed: {}", e.getMessage());
                }
                continue;
            }
            buf.flip();
            handle(buf, from, subscriptions, packets);
        }
    }

    static void handle(ByteBuffer packet, SocketAddress from, Subscriptions subscriptions, UwsgiPackets packets) {
        if (packet.remaining() < 4 || (packet.get(0) & 0xff) != SUBSCRIPTION) {
            LOG.warn("[uwsgi-subscription] dropped a packet from {}: not a subscription (modifier1 224)", from);
            return;
        }
        int command = packet.get(3) & 0xff;
        Map<String, String> vars;
        try {
            vars = packets.parse(packet);
        } catch (IllegalArgumentException e) {
            LOG.warn("[uwsgi-subscription] dropped a packet from {}: {}", from, e.getMessage());
            return;
        }
        String key = vars.get("key");
        String address = vars.get("address");
        if (key == null || key.isEmpty() || address == null || address.isEmpty()) {
            LOG.warn("[uwsgi-subscription] dropped a packet from {}: no key or address", from);
            return;
        }
        if (command == 1) {
            subscriptions.unsubscribe(key, address);
            return;
        }
        SocketAddress node;
        try {
            node = Backends.parse(address);
        } catch (IllegalArgumentException e) {
            LOG.warn("[uwsgi-subscription] dropped a packet from {}: {}", from, e.getMessage());
            return;
        }
        subscriptions.subscribe(key, address, node);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
