package org.uwsgi4j.plugin.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.Listeners;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.api.UwsgiPackets;
import org.uwsgi4j.kernel.api.UwsgiVars;

/**
 * The backend side of subscriptions ({@code --subscribe-to}, {@code --subscribe2}; each
 * repeatable; {@link Subscription}): this instance announces an address (its first uwsgi socket
 * unless one is named) for a key to a subscription server with uWSGI's packet (modifier1 224,
 * modifier2 0; the variables key, address, modifier1, modifier2, cores, load, weight, and,
 * when signed, unix and sign) when the kernel's sockets are bound and every
 * {@code --subscribe-freq} seconds after, and unsubscribes (modifier2 1) when it stops. A
 * server that does not answer changes nothing: UDP, as in uWSGI.
 */
@Component(service = {}, immediate = true)
public final class Subscriber {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriber.class);

    @Reference
    private Options options;
    @Reference
    private Listeners listeners;
    @Reference
    private UwsgiPackets packets;

    private final List<Subscription> subscriptions = new ArrayList<>();
    private String ownAddress;
    private int cores;
    private DatagramChannel channel;
    private Thread announcer;

    @Activate
    void activate() throws IOException {
        for (String value : options.values("subscribe-to")) {
            subscriptions.add(Subscription.parseSubscribeTo(value));
        }
        for (String value : options.values("subscribe2")) {
            subscriptions.add(Subscription.parseSubscribe2(value));
        }
        int freq = options.intValue("subscribe-freq");
        if (freq < 1) {
            throw new IllegalArgumentException("subscribe-freq " + freq + ": must be at least 1 second");
        }
        if (subscriptions.isEmpty()) {
            return;
        }
        if (subscriptions.stream().anyMatch(s -> s.address() == null)) {
            SocketAddress own = listeners.uwsgiSocket().orElseThrow(() -> new IllegalArgumentException(
                    "subscribe-to: this instance has no uwsgi socket (--socket) to announce"));
            ownAddress = own instanceof InetSocketAddress a ? a.getAddress().getHostAddress() + ":" + a.getPort() : own.toString();
        }
        cores = Math.max(1, options.intValue("processes")) * Math.max(1, options.intValue("threads"));
        long every = freq * 1000L;
        channel = DatagramChannel.open();
        announcer = Thread.ofPlatform().daemon().name("uwsgi4j-subscribe").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                send(0);
                try {
                    Thread.sleep(every); // uWSGI's period (--subscribe-freq): the next announce is due then
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private void send(int command) {
        for (Subscription s : subscriptions) {
            if (s.check() != null && Files.exists(s.check())) {
                continue; // uWSGI's check=FILE: not announced while the file exists
            }
            ByteBuffer packet = packet(s, command, System.currentTimeMillis() / 1000);
            try {
                channel.send(packet, s.server());
            } catch (IOException e) {
                LOG.warn("subscribe-to {}:{}: {}", s.server().getHostString(), s.server().getPort(), e.getMessage());
            }
        }
    }

    /** uWSGI's subscription packet of {@code s} ({@code command} 0 subscribes, 1 unsubscribes; {@code now} in epoch seconds). */
    ByteBuffer packet(Subscription s, int command, long now) {
        UwsgiVars vars = packets.newVars();
        vars.add("key", s.key());
        vars.add("address", s.address() != null ? s.address() : ownAddress);
        vars.add("modifier1", Integer.toString(s.modifier1()));
        vars.add("modifier2", Integer.toString(s.modifier2()));
        vars.add("cores", Integer.toString(cores));
        vars.add("load", "0");
        vars.add("weight", Long.toString(s.weight()));
        if (s.signer() == null) {
            ByteBuffer packet = ByteBuffer.allocate(vars.packetSize());
            vars.writePacket(SubscriptionServer.SUBSCRIPTION, command, packet);
            return packet.flip();
        }
        vars.add("unix", Long.toString(now + command)); // as uWSGI: an unsubscribe is newer than the announce of the same second
        ByteBuffer unsigned = ByteBuffer.allocate(vars.packetSize());
        vars.writePacket(SubscriptionServer.SUBSCRIPTION, command, unsigned);
        byte[] signature = s.signer().sign(java.util.Arrays.copyOfRange(unsigned.array(), 4, unsigned.position()));
        return BinaryVar.append(unsigned.flip(), "sign", signature);
    }

    /** Unsubscribes from every server (uWSGI does so on a graceful stop). */
    @Deactivate
    void deactivate() throws IOException {
        if (channel == null) {
            return;
        }
        announcer.interrupt();
        send(1);
        channel.close();
    }
}
