package org.uwsgi4j.plugin.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
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
 * The backend side of subscriptions ({@code --subscribe-to HOST:PORT:KEY}, repeatable): this
 * instance announces its first uwsgi socket for KEY to the subscription server at HOST:PORT
 * (uWSGI's packet: modifier1 224, modifier2 0, the variables key, address, modifier1,
 * modifier2, cores, load, weight) when the kernel's sockets are bound and every
 * {@code --subscribe-freq} seconds after, and unsubscribes (modifier2 1) when it stops. A
 * server that does not answer changes nothing: UDP, as in uWSGI.
 */
@Component(service = {}, immediate = true)
public final class Subscriber {

    private static final Logger LOG = LoggerFactory.getLogger(Subscriber.class);

    /** One subscription: where to send and the key. */
    record Target(InetSocketAddress server, String key) {

        /**
         * uWSGI's {@code HOST:PORT:KEY} (the key is everything after the second colon).
         *
         * @throws IllegalArgumentException in one line
         */
        static Target parse(String value) {
            int first = value.indexOf(':');
            int second = first < 0 ? -1 : value.indexOf(':', first + 1);
            if (second < 0 || second == value.length() - 1) {
                throw new IllegalArgumentException("subscribe-to " + value + ": expected HOST:PORT:KEY");
            }
            try {
                String host = value.substring(0, first);
                var address = new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, Integer.parseInt(value.substring(first + 1, second)));
                if (address.isUnresolved()) {
                    throw new IllegalArgumentException("subscribe-to " + value + ": unknown host " + host);
                }
                return new Target(address, value.substring(second + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("subscribe-to " + value + ": invalid port");
            }
        }
    }

    @Reference
    private Options options;
    @Reference
    private Listeners listeners;
    @Reference
    private UwsgiPackets packets;

    private final List<Target> targets = new ArrayList<>();
    private String address;
    private int cores;
    private DatagramChannel channel;
    private Thread announcer;

    @Activate
    void activate() throws IOException {
        for (String value : options.values("subscribe-to")) {
            targets.add(Target.parse(value.strip()));
        }
        if (targets.isEmpty()) {
            return;
        }
        SocketAddress own = listeners.uwsgiSocket().orElseThrow(() -> new IllegalArgumentException(
                "subscribe-to: this instance has no uwsgi socket (--socket) to announce"));
        address = own instanceof InetSocketAddress a ? a.getAddress().getHostAddress() + ":" + a.getPort() : own.toString();
        cores = Math.max(1, options.intValue("processes")) * Math.max(1, options.intValue("threads"));
        long every = Math.max(1, options.intValue("subscribe-freq")) * 1000L;
        channel = DatagramChannel.open();
        announcer = Thread.ofPlatform().daemon().name("uwsgi4j-subscribe").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                send(0);
                try {
                    Thread.sleep(every); // uWSGI's period: the next announce is due then
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private void send(int command) {
        for (Target t : targets) {
            UwsgiVars vars = packets.newVars();
            vars.add("key", t.key());
            vars.add("address", address);
            vars.add("modifier1", "0");
            vars.add("modifier2", "0");
            vars.add("cores", Integer.toString(cores));
            vars.add("load", "0");
            vars.add("weight", Integer.toString(cores));
            ByteBuffer packet = ByteBuffer.allocate(vars.packetSize());
            vars.writePacket(SubscriptionServer.SUBSCRIPTION, command, packet);
            try {
                channel.send(packet.flip(), t.server());
            } catch (IOException e) {
                LOG.warn("subscribe-to {}:{}: {}", t.server().getHostString(), t.server().getPort(), e.getMessage());
            }
        }
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
