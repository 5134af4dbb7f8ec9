package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.dispatch.ReadySet;
import org.uwsgi4j.kernel.os.TcpListenOptions;

/**
 * One bound listening socket and its accept loop: each accepted connection is handed to the
 * connection handler on the accepting thread, which must not block it (it starts the
 * connection's own virtual thread, or dispatches a request that is already here).
 *
 * <pre>
 *  bind (TCP or Unix, backlog = --listen) ─▶ accept loop (platform thread): turn, accept ─▶ handler ─▶ virtual thread per connection
 *                                          └─ or, while the target has a ready set: its idle cores accept ─▶ handler on the core
 * </pre>
 */
public final class Listener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Listener.class);
    /** How often the accepting thread looks whether the target's cores can accept themselves (or still can). */
    private static final long ADOPTION_CHECK_MS = 1000;

    private final int index;
    private final ListenSpec spec;
    private final ServerSocketChannel channel;
    private final String boundName;
    private final int port;
    /** Accepted sockets have {@code TCP_NODELAY} from the listening socket already (see {@link TcpListenOptions#noDelay}). */
    private final boolean noDelayInherited;
    private volatile Thread acceptor;
    private volatile Selector selector;
    /** The target's idle cores accept on this socket now (see {@link #letCoresAccept}); guarded by this. */
    private ReadySet.Adoption adoption;

    private Listener(int index, ListenSpec spec, ServerSocketChannel channel, String boundName, int port) {
        this.index = index;
        this.spec = spec;
        this.channel = channel;
        this.boundName = boundName;
        this.port = port;
        this.noDelayInherited = port >= 0 && TcpListenOptions.noDelay(channel);
    }

    /**
     * Binds {@code spec} (uWSGI's socket number {@code index}) and logs it as uWSGI does:
     * {@code uwsgi socket 0 bound to TCP address 127.0.0.1:46693 (port auto-assigned)}.
     */
    public static Listener bind(int index, ListenSpec spec, SocketSettings settings) throws IOException {
        SocketAddressSpec address = spec.address();
        ServerSocketChannel channel;
        String name;
        int port = -1;
        if (address.tcp() != null) {
            channel = ServerSocketChannel.open(address.tcp().getAddress() instanceof java.net.Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (settings.reusePort()) {
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            channel.bind(address.tcp(), settings.listen());
            if (settings.deferAcceptSeconds() > 0) {
                TcpListenOptions.deferAccept(channel, settings.deferAcceptSeconds());
            }
            port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            String host = address.text().substring(0, address.text().lastIndexOf(':'));
            name = host + ":" + port;
            LOG.info("uwsgi socket {} bound to TCP address {}{}", index, name,
                    address.tcp().getPort() == 0 ? " (port auto-assigned)" : "");
        } else {
            Files.deleteIfExists(address.unix());
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(address.bindAddress(), settings.listen());
            settings.chmodSocket().ifPresent(mode -> chmod(address, mode));
            settings.chownSocket().ifPresent(owner -> SocketOwner.apply(address.unix(), owner));
            name = address.unix().toString();
            LOG.info("uwsgi socket {} bound to UNIX address {}", index, name);
        }
        if (spec.protocol() == Protocol.UWSGI && address.isEveryInterface()) {
            LOG.warn("*** WARNING: the uwsgi protocol socket {} listens on every interface: never expose the uwsgi protocol "
                    + "to the public network (bind it to 127.0.0.1 or a Unix socket behind your proxy) ***", name);
        }
        return new Listener(index, spec, channel, name, port);
    }

    private static void chmod(SocketAddressSpec address, int mode) {
        try {
            Files.setPosixFilePermissions(address.unix(), PosixFilePermissions.fromString(PosixModes.toString(mode)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("chmod-socket " + address.unix() + ": " + e.getMessage(), e);
        }
    }

    /** What the accepting thread waits for before each accept: its turn to take a connection (backpressure). */
    @FunctionalInterface
    interface Turn {
        void await() throws InterruptedException;
    }

    /**
     * Starts accepting; before each accept the thread waits for {@code turn} (while every core
     * is busy and the queue is full, new connections wait in the socket's backlog), and each
     * connection goes to {@code handler}, called on the accepting thread (it must not block).
     * {@code waiter} (null: none) starts a connection that a core accepted behind another one
     * by making it wait for its turn in the ready set ({@link ReadySet#adopt(java.nio.channels.ServerSocketChannel,
     * Consumer, Consumer)}).
     */
    void start(Consumer<SocketChannel> handler, Consumer<SocketChannel> waiter, Turn turn, Supplier<ReadySet> cores) {
        acceptor = Thread.ofPlatform().daemon().name("uwsgi4j-accept-" + index)
                .start(() -> acceptLoop(handler, waiter, turn, cores));
    }

    /**
     * Waits until a connection is pending, then, for each pending one, for the turn and accepts
     * it: a turn never lets in a connection that comes later (a turn taken before a blocking
     * accept would let the next connection in whenever it came, queue full or not).
     */
    private void acceptLoop(Consumer<SocketChannel> handler, Consumer<SocketChannel> waiter, Turn turn, Supplier<ReadySet> cores) {
        try (Selector selector = Selector.open()) {
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_ACCEPT);
            this.selector = selector;
            while (channel.isOpen()) {
                if (letCoresAccept(cores, handler, waiter)) {
                    continue;
                }
                try {
                    selector.select(ADOPTION_CHECK_MS);
                    selector.selectedKeys().clear();
                    while (channel.isOpen()) { // every pending connection, each on its turn
                        turn.await();
                        SocketChannel pending = channel.accept();
                        if (pending == null) {
                            break; // none left: back to waiting for one
                        }
                        handler.accept(pending);
                    }
                } catch (IOException e) {
                    if (channel.isOpen()) {
                        LOG.warn("accept() on {} failed: {}", boundName, e.getMessage());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            if (channel.isOpen()) {
                LOG.warn("accepting on {} stopped: {}", boundName, e.getMessage());
            }
        }
    }

    /**
     * While the socket's target has a ready set, its idle cores accept on the socket themselves
     * ({@link ReadySet#adopt}: no hand-off from this thread, and new clients wait in the backlog
     * while every core is busy, as with uWSGI's workers); this thread waits, looking once a
     * second whether the target changed (a plugin swapped), and takes over again when the set
     * ends the adoption. False when the target has no ready set.
     */
    private boolean letCoresAccept(Supplier<ReadySet> cores, Consumer<SocketChannel> handler, Consumer<SocketChannel> waiter)
            throws InterruptedException {
        ReadySet set = cores.get();
        if (set == null) {
            return false;
        }
        ReadySet.Adoption a;
        synchronized (this) {
            if (!channel.isOpen()) {
                return false;
            }
            a = set.adopt(channel, handler, waiter);
            adoption = a;
        }
        if (a == null) {
            return false;
        }
        try {
            while (!a.awaitEnd(ADOPTION_CHECK_MS) && cores.get() == set && channel.isOpen()) {
                // the cores accept
            }
        } finally {
            synchronized (this) {
                a.end();
                adoption = null;
            }
        }
        return true;
    }

    /** uWSGI's socket number: the order the sockets were configured in. */
    public int index() {
        return index;
    }

    public ListenSpec spec() {
        return spec;
    }

    /** The bound name as logged and as the stats server reports it ({@code 127.0.0.1:41234}, a path). */
    public String boundName() {
        return boundName;
    }

    /** The bound address: a TCP {@link InetSocketAddress}, or the Unix socket's. */
    java.net.SocketAddress localAddress() throws IOException {
        return channel.getLocalAddress();
    }

    /** Whether the sockets this one accepts have {@code TCP_NODELAY} already (TCP on Linux). */
    boolean noDelayInherited() {
        return noDelayInherited;
    }

    /** The bound TCP port, or -1 for a Unix socket. */
    public int port() {
        return port;
    }

    @Override
    public void close() throws IOException {
        synchronized (this) { // no core arms the descriptor once it may be another socket's
            if (adoption != null) {
                adoption.end();
            }
            channel.close();
        }
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
        if (spec.address().unix() != null) {
            try {
                Files.deleteIfExists(spec.address().unix());
            } catch (java.nio.file.AccessDeniedException dropped) { // bound as root, closed after --uid
                LOG.info("socket file {} left in place: the master (now --uid) may not remove it", spec.address().unix());
            }
        }
    }
}
