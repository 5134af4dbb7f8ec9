package org.uwsgi4j.kernel.stats;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.Options;

/**
 * uWSGI's stats server ({@code --stats ADDR}): every connection gets the current stats
 * document and is closed. With {@code --stats-http} the client's request is read first and the
 * document is sent as an HTTP/1.0 response with uWSGI's headers.
 *
 * <pre>
 *  accept thread ──accept──▶ virtual thread per client: [read HTTP request] ─▶ snapshot ─▶ JSON ─▶ write ─▶ close
 *                                 ▲ closed by the watchdog after --socket-timeout (slow or silent client)
 * </pre>
 *
 * A slow client never delays others: the accept loop only hands the connection to a virtual
 * thread, and a client still connected after the timeout is cut. At most
 * {@value #MAX_CLIENTS} clients are served at once; more are closed at once.
 */
public final class StatsServer implements AutoCloseable {

    /** Clients served at the same time at most. */
    public static final int MAX_CLIENTS = 64;

    static final String HTTP_HEAD = "HTTP/1.0 200 OK\r\nConnection: close\r\nAccess-Control-Allow-Origin: *\r\n"
            + "Content-Type: application/json\r\n\r\n";

    private static final Logger LOG = LoggerFactory.getLogger(StatsServer.class);
    private static final int MAX_REQUEST_HEAD = 8192;

    /**
     * How documents are served.
     *
     * @param http     {@code --stats-http}: read an HTTP request, answer with HTTP headers
     * @param minified {@code --stats-minified}: no indentation
     * @param timeout  a client still connected after this is cut ({@code --socket-timeout}, default 4 s)
     */
    public record Settings(boolean http, boolean minified, Duration timeout) {

        /** The settings {@code options} ask for. */
        public static Settings fromOptions(Options options) {
            long seconds = options.number("socket-timeout");
            return new Settings(options.isTrue("stats-http"), options.isTrue("stats-minified"), Duration.ofSeconds(seconds > 0 ? seconds : 4));
        }
    }

    private final ServerSocketChannel server;
    private final Supplier<StatsSnapshot> snapshots;
    private final Settings settings;
    private final String name;
    private final Path unixPath;
    private final Semaphore clients = new Semaphore(MAX_CLIENTS);
    private final ScheduledExecutorService watchdog;
    private final Thread acceptor;

    private StatsServer(ServerSocketChannel server, String name, Path unixPath, Supplier<StatsSnapshot> snapshots,
                        Settings settings) {
        this.server = server;
        this.name = name;
        this.unixPath = unixPath;
        this.snapshots = snapshots;
        this.settings = settings;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("uwsgi4j-stats-watchdog").daemon().factory());
        this.acceptor = Thread.ofPlatform().name("uwsgi4j-stats").daemon().unstarted(this::acceptLoop);
    }

    /** {@link #bind} and {@link #accept} at once. */
    public static StatsServer start(String text, SocketAddress address, Supplier<StatsSnapshot> snapshots,
                                    Settings settings) throws IOException {
        StatsServer stats = bind(text, address, snapshots, settings);
        stats.accept();
        return stats;
    }

    /**
     * Binds {@code address}, to be served once {@link #accept} is called; logs uWSGI's
     * {@code *** Stats server enabled on ADDR ***} with the port actually bound.
     *
     * @param text      the address as the user wrote it ({@code 127.0.0.1:0}, {@code :9191},
     *                  {@code [::1]:9191}, {@code /tmp/stats.sock}); names the server in the log
     * @param address   the address to bind: an {@link InetSocketAddress} (port 0 picks a free
     *                  port) or a {@link UnixDomainSocketAddress} (a stale socket file there is
     *                  replaced, as uWSGI does; it is removed on {@link #close()})
     * @param snapshots called on a client's thread for each client; must be thread-safe
     * @throws IOException when the address cannot be bound
     */
    public static StatsServer bind(String text, SocketAddress address, Supplier<StatsSnapshot> snapshots,
                                   Settings settings) throws IOException {
        ServerSocketChannel channel;
        Path unixPath = null;
        String name;
        if (address instanceof UnixDomainSocketAddress unix) {
            unixPath = unix.getPath();
            if (Files.exists(unixPath, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(unixPath, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isDirectory(unixPath, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(unixPath);
            }
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(unix, 100);
            name = text;
        } else if (address instanceof InetSocketAddress inet) {
            channel = ServerSocketChannel.open(inet.getAddress() instanceof Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            channel.bind(inet, 100);
            int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
            int colon = text.lastIndexOf(':');
            name = (colon < 0 ? text : text.substring(0, colon)) + ":" + port;
        } else {
            throw new IllegalArgumentException("unsupported stats address type: " + address);
        }
        var stats = new StatsServer(channel, name, unixPath, snapshots, settings);
        LOG.info("*** Stats server enabled on {} ***", name);
        return stats;
    }

    /** Starts accepting clients. */
    public void accept() {
        acceptor.start();
    }

    /** The bound address as logged: the user's text with the port actually bound, or the socket path. */
    public String name() {
        return name;
    }

    /** The bound address. */
    public SocketAddress localAddress() throws IOException {
        return server.getLocalAddress();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                LOG.warn("stats server {}: accept(): {}", name, e.getMessage());
                continue;
            }
            if (!clients.tryAcquire()) {
                closeQuietly(client);
                continue;
            }
            Thread.ofVirtual().name("uwsgi4j-stats-client").start(() -> {
                try {
                    serve(client);
                } finally {
                    clients.release();
                }
            });
        }
    }

    private void serve(SocketChannel client) {
        ScheduledFuture<?> cut = watchdog.schedule(() -> closeQuietly(client), settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
        try (client) {
            if (settings.http() && !readRequestHead(client)) {
                return;
            }
            String json = StatsJson.write(snapshots.get(), settings.minified());
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            ByteBuffer out;
            if (settings.http()) {
                byte[] head = HTTP_HEAD.getBytes(StandardCharsets.US_ASCII);
                out = ByteBuffer.allocate(head.length + body.length).put(head).put(body).flip();
            } else {
                out = ByteBuffer.wrap(body);
            }
            while (out.hasRemaining()) {
                client.write(out);
            }
        } catch (IOException e) {
            // the client went away or was cut by the watchdog: nothing to report
        } catch (RuntimeException e) {
            LOG.warn("stats server {}: cannot build the stats document: {}", name, e.toString());
        } finally {
            cut.cancel(false);
        }
    }

    /** Reads the request head (up to the blank line, EOF or 8 KiB); false if the client sent nothing. */
    private static boolean readRequestHead(SocketChannel client) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(MAX_REQUEST_HEAD);
        while (in.hasRemaining()) {
            int n = client.read(in);
            if (n < 0) {
                return in.position() > 0;
            }
            if (endsHead(in)) {
                return true;
            }
        }
        return true;
    }

    private static boolean endsHead(ByteBuffer in) {
        byte[] a = in.array();
        int end = in.position();
        for (int i = 0; i + 1 < end; i++) {
            if (a[i] == '\n' && (a[i + 1] == '\n' || a[i + 1] == '\r' && i + 2 < end && a[i + 2] == '\n')) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing a socket that is going away
        }
    }

    /** Stops accepting, cuts clients still being served at their timeout, removes a Unix socket file. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.warn("stats server {}: close(): {}", name, e.getMessage());
        }
        try {
            acceptor.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watchdog.shutdown();
        if (unixPath != null) {
            try {
                Files.deleteIfExists(unixPath);
            } catch (IOException e) {
                LOG.warn("stats server {}: cannot remove the socket file: {}", name, e.getMessage());
            }
        }
    }
}
