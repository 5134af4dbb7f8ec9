package org.uwsgi4j.plugin.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --http-subscription-server ADDR}: a UDP socket receiving uWSGI's subscription packets
 * (a uwsgi packet with modifier1 224; modifier2 0 subscribes, 1 unsubscribes; the variables
 * {@code key} and {@code address} name the pool and the node; {@code modifier1},
 * {@code modifier2} and {@code weight} say how to use it) into {@link Subscriptions}. With
 * {@code --subscriptions-sign-check} every packet must be signed ({@link SubscriptionSigns}).
 * A packet that cannot be taken is logged in one line and dropped.
 *
 * <p>The variables are read here rather than with the kernel's request parser: a signature is
 * binary (NUL bytes included), which a request's variables may not hold.
 */
final class SubscriptionServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionServer.class);
    static final int SUBSCRIPTION = 224;

    private final DatagramChannel channel;

    /** @param signs the signature check, or null when packets are not signed */
    SubscriptionServer(String address, Subscriptions subscriptions, SubscriptionSigns.Checker signs) throws IOException {
        int colon = address.lastIndexOf(':');
        InetSocketAddress bind;
        try {
            String host = colon > 0 ? address.substring(0, colon).replace("[", "").replace("]", "") : "0.0.0.0";
            bind = new InetSocketAddress(host.isEmpty() ? "0.0.0.0" : host, Integer.parseInt(address.substring(colon + 1).strip()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("http-subscription-server " + address
                    + ": a UDP HOST:PORT is needed (the JDK has no Unix datagram sockets)");
        }
        if (bind.isUnresolved()) {
            throw new IllegalArgumentException("http-subscription-server " + address + ": unknown host");
        }
        channel = DatagramChannel.open();
        channel.bind(bind);
        InetSocketAddress bound = (InetSocketAddress) channel.getLocalAddress();
        LOG.info("uWSGI http subscription server bound on {}:{}", bound.getAddress().getHostAddress(), bound.getPort());
        Thread.ofPlatform().daemon().name("uwsgi4j-http-subscriptions").start(() -> serve(subscriptions, signs));
    }

    private void serve(Subscriptions subscriptions, SubscriptionSigns.Checker signs) {
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
            byte[] packet = new byte[buf.remaining()];
            buf.get(packet);
            handle(packet, from, subscriptions, signs, System.currentTimeMillis() / 1000);
        }
    }

    /** Takes one packet ({@code now}: epoch seconds); a packet it cannot take is logged and dropped. */
    static void handle(byte[] packet, SocketAddress from, Subscriptions subscriptions, SubscriptionSigns.Checker signs, long now) {
        if (packet.length < 4 || (packet[0] & 0xff) != SUBSCRIPTION) {
            LOG.warn("[uwsgi-subscription] dropped a packet from {}: not a subscription (modifier1 224)", from);
            return;
        }
        int command = packet[3] & 0xff;
        Map<String, byte[]> vars = new HashMap<>();
        int signAt = -1;
        int pos = 4;
        int end = Math.min(packet.length, 4 + ((packet[1] & 0xff) | (packet[2] & 0xff) << 8));
        while (pos < end) {
            if (pos + 2 > end) {
                LOG.warn("[uwsgi-subscription] dropped a packet from {}: truncated variables", from);
                return;
            }
            int at = pos;
            int klen = (packet[pos] & 0xff) | (packet[pos + 1] & 0xff) << 8;
            if (pos + 2 + klen + 2 > end) {
                LOG.warn("[uwsgi-subscription] dropped a packet from {}: truncated variables", from);
                return;
            }
            String key = new String(packet, pos + 2, klen, StandardCharsets.ISO_8859_1);
            pos += 2 + klen;
            int vlen = (packet[pos] & 0xff) | (packet[pos + 1] & 0xff) << 8;
            if (pos + 2 + vlen > end) {
                LOG.warn("[uwsgi-subscription] dropped a packet from {}: truncated variables", from);
                return;
            }
            byte[] value = java.util.Arrays.copyOfRange(packet, pos + 2, pos + 2 + vlen);
            pos += 2 + vlen;
            if (key.equals("sign")) {
                signAt = at;
            }
            vars.put(key, value);
        }
        String key = text(vars.get("key"));
        String address = text(vars.get("address"));
        if (key.isEmpty() || address.isEmpty()) {
            LOG.warn("[uwsgi-subscription] dropped a packet from {}: no key or address", from);
            return;
        }
        long unix = number(vars.get("unix"), -1);
        if (signs != null) {
            byte[] signed = signAt < 0 ? null : java.util.Arrays.copyOfRange(packet, 4, signAt);
            String refusal = signs.refusal(key, signed, vars.get("sign"), unix, subscriptions.lastUnix(key, address), now);
            if (refusal != null) {
                if (signs.firstIn(key + " " + address + " " + refusal.replaceAll("\\d+", "N"), now)) {
                    LOG.warn("[uwsgi-subscription] dropped a packet from {} for {} node {}: {} (the same again within a minute is not logged)",
                            from, key, address, refusal);
                }
                return;
            }
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
        subscriptions.subscribe(new Subscriptions.Announce(key, address, node, (int) number(vars.get("modifier1"), 0) & 0xff,
                (int) number(vars.get("modifier2"), 0) & 0xff, (int) Math.min(Integer.MAX_VALUE, number(vars.get("weight"), 1)),
                signs == null ? -1 : unix));
    }

    private static String text(byte[] value) {
        return value == null ? "" : new String(value, StandardCharsets.ISO_8859_1);
    }

    /** A decimal variable, or {@code otherwise} when absent or not a number (uWSGI's uwsgi_str_num reads 0 then). */
    private static long number(byte[] value, long otherwise) {
        if (value == null || value.length == 0) {
            return otherwise;
        }
        try {
            return Long.parseLong(text(value).strip());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
