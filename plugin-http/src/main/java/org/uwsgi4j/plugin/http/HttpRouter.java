package org.uwsgi4j.plugin.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.HttpHeads;
import org.uwsgi4j.kernel.api.Listeners;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.api.StatsSection;
import org.uwsgi4j.kernel.api.UwsgiPackets;

/**
 * uWSGI's HTTP router ({@code --http ADDR}, repeatable): binds each address through the
 * kernel's {@link Listeners} when the kernel offers them (after its own sockets, before the
 * privileges drop) and serves each client connection on a virtual thread
 * ({@link RouterConnection}), forwarding over the uwsgi protocol to {@code --http-to} nodes or,
 * without them, to this instance's own uwsgi socket (uWSGI's embedded mode). Without
 * {@code --http} it binds nothing. A bad value refuses the start in one line.
 */
@Component(service = {}, immediate = true)
public final class HttpRouter {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRouter.class);

    private final List<ServerSocketChannel> sockets = new ArrayList<>();
    private final List<SubscriptionServer> subscriptionServers = new ArrayList<>();
    @Reference
    private Options options;
    @Reference
    private Listeners listeners;
    @Reference
    private HttpHeads heads;
    @Reference
    private UwsgiPackets packets;
    private Deadlines deadlines;
    private RouterStats stats;
    private org.osgi.framework.ServiceRegistration<StatsSection> statsSection;
    private String version = "0";

    /** Binds and starts serving; a value the router cannot use refuses the start (IllegalArgumentException, one line). */
    @Activate
    void activate(org.osgi.framework.BundleContext context) {
        var v = context.getBundle().getVersion();
        version = v.getMajor() + "." + v.getMinor() + "." + v.getMicro();
        RouterSettings settings = RouterSettings.from(options, hostname());
        if (settings.binds().isEmpty() && settings.https().isEmpty() && settings.toHttps().isEmpty()) {
            return;
        }
        Balancer backends = backends(settings, listeners);
        deadlines = new Deadlines();
        stats = new RouterStats(version);
        stats.balancer(backends);
        Router router = new Router(settings, backends, heads, packets, deadlines, stats);
        try {
            if (backends instanceof Subscriptions subscriptions) {
                for (String address : settings.subscriptionServers()) {
                    subscriptionServers.add(new SubscriptionServer(address, subscriptions, settings.signCheck()));
                }
            }
            for (String address : settings.binds()) {
                serve(router, address, null, null);
            }
            for (TlsContext tls : settings.https()) {
                serve(router, tls.address(), tls, null);
            }
            for (String value : settings.toHttps()) {
                int comma = value.indexOf(',');
                serve(router, comma < 0 ? value : value.substring(0, comma), null, comma < 0 ? "" : value.substring(comma + 1).strip());
            }
            if (settings.stats().isPresent()) {
                String address = settings.stats().get();
                ServerSocketChannel channel;
                try {
                    channel = listeners.bind(address);
                } catch (IOException e) {
                    throw new IllegalArgumentException("http-stats: bind(): " + e.getMessage() + " [" + address + "]");
                }
                stats.serve(channel, boundName(address, channel));
            }
            statsSection = context.registerService(StatsSection.class, stats, null); // the http section of the kernel's --stats
        } catch (IOException | RuntimeException e) {
            deactivate();
            throw e instanceof IOException io ? new IllegalArgumentException("http: " + io.getMessage()) : (RuntimeException) e;
        }
        LOG.info("uWSGI http: forwarding to {}", backends instanceof Backends b
                ? b.nodes() + (settings.to().isEmpty() ? " (this instance's uwsgi socket)" : "") : "the subscribed nodes of each Host");
    }

    /** Binds {@code address} and starts its accepting thread, as one front of the router. */
    private void serve(Router router, String address, TlsContext tls, String redirectPort) throws IOException {
        ServerSocketChannel channel;
        try {
            channel = listeners.bind(address);
        } catch (IOException e) {
            throw new IllegalArgumentException("http: bind(): " + e.getMessage() + " [" + address + "]");
        }
        sockets.add(channel);
        String name = boundName(address, channel);
        router.stats().front(name);
        LOG.info("uWSGI {} bound on {}", tls != null ? "https" : redirectPort != null ? "http (to https)" : "http", name);
        String port = channel.getLocalAddress() instanceof InetSocketAddress a ? Integer.toString(a.getPort()) : "80";
        Front front = new Front(name, port, tls, redirectPort);
        Thread.ofPlatform().daemon().name("uwsgi4j-http-accept-" + sockets.size()).start(() -> accept(channel, router, front));
    }

    private static Balancer backends(RouterSettings settings, Listeners listeners) {
        if (!settings.subscriptionServers().isEmpty()) {
            return new Subscriptions(settings.subscriptionTolerance(), settings.gracetime(), System::nanoTime);
        }
        List<Backends.Node> nodes = new ArrayList<>();
        if (settings.to().isEmpty()) {
            var own = listeners.uwsgiSocket().orElseThrow(() -> new IllegalArgumentException(
                    "http: no --http-to and no uwsgi socket of this instance to forward to"));
            String name = own instanceof InetSocketAddress a ? a.getAddress().getHostAddress() + ":" + a.getPort() : own.toString();
            nodes.add(new Backends.Node(name, own, listeners.localUwsgiSocket().orElseThrow()));
            return new Backends(nodes, settings.gracetime(), false, System::nanoTime);
        }
        for (String to : settings.to()) {
            nodes.add(new Backends.Node(to.strip(), Backends.parse(to)));
        }
        return new Backends(nodes, settings.gracetime(), true, System::nanoTime);
    }

    private static void accept(ServerSocketChannel channel, Router router, Front front) {
        AcceptBackoff backoff = new AcceptBackoff();
        while (channel.isOpen()) {
            SocketChannel client;
            try {
                client = channel.accept();
                backoff.succeeded();
            } catch (IOException e) {
                if (channel.isOpen()) {
                    long pause = backoff.failed();
                    LOG.warn("[uwsgi-http] accept() on {} failed: {} (next try in {} ms)", front.name(), e.getMessage(), pause);
                    try {
                        Thread.sleep(pause); // the usual cause, no file descriptor left, lasts until a connection closes
                    } catch (InterruptedException stop) {
                        return;
                    }
                }
                continue;
            }
            ClientIo io;
            try {
                if (client.getRemoteAddress() instanceof InetSocketAddress) {
                    client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                io = front.tls() == null ? new ClientIo.Plain(client) : tls(front.tls(), client);
            } catch (IOException | UnsupportedOperationException e) {
                closeQuietly(client);
                continue;
            }
            Thread.ofVirtual().name("uwsgi4j-http-conn").start(new RouterConnection(router, client, io, front));
        }
    }

    /** TLS over the accepted connection (server mode); the handshake runs with the first read. */
    private static ClientIo tls(TlsContext tls, SocketChannel client) throws IOException {
        var socket = (javax.net.ssl.SSLSocket) tls.context().getSocketFactory().createSocket(client.socket(), null, true);
        socket.setSSLParameters(tls.parameters());
        socket.setUseClientMode(false);
        return new ClientIo.Tls(socket);
    }

    private static String boundName(String address, ServerSocketChannel channel) throws IOException {
        if (channel.getLocalAddress() instanceof InetSocketAddress a) {
            int colon = address.lastIndexOf(':');
            String host = colon > 0 ? address.substring(0, colon) : "";
            return (host.isEmpty() ? "0.0.0.0" : host) + ":" + a.getPort();
        }
        return address;
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** SERVER_NAME as uWSGI's router sets it: the machine's host name. */
    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Stops accepting and closes every client connection (the plugin stops or the server ends). */
    @Deactivate
    void deactivate() {
        if (statsSection != null) {
            try {
                statsSection.unregister();
            } catch (IllegalStateException gone) {
                // the bundle is stopping: its services are gone already
            }
            statsSection = null;
        }
        for (ServerSocketChannel s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all that is wanted
            }
        }
        for (SubscriptionServer s : subscriptionServers) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all that is wanted
            }
        }
        if (stats != null) {
            try {
                stats.close();
            } catch (IOException ignored) {
                // closing is all that is wanted
            }
        }
        if (deadlines != null) {
            deadlines.closeAll();
            deadlines.close();
        }
    }
}
