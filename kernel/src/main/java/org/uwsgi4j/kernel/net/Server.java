package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.ListenQueueWatcher;
import org.uwsgi4j.kernel.api.LocalUwsgi;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.dispatch.DispatchTable;
import org.uwsgi4j.kernel.dispatch.JvmCores;
import org.uwsgi4j.kernel.dispatch.Modifiers;
import org.uwsgi4j.kernel.dispatch.RequestQueue;
import org.uwsgi4j.kernel.log.RequestLog;
import org.uwsgi4j.kernel.os.Posix;
import org.uwsgi4j.kernel.statics.StaticConfig;

/**
 * The network side of an instance: the listening sockets in the order the options name them
 * (uWSGI's socket numbers) and their connections, which hand each request to the target of
 * its modifier1 in the dispatch table. It knows no worker: the targets are behind
 * {@link org.uwsgi4j.kernel.dispatch.Target}.
 *
 * <pre>
 *  --socket / --http-socket ─▶ Listener ─▶ UwsgiConnection | HttpConnection ─▶ DispatchTable ─▶ Target
 *                                                           (JvmCores: in-JVM AppRuntimes | a worker pool | Unavailable)
 * </pre>
 */
public final class Server implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Server.class);

    private final List<Listener> listeners;
    private final Modifiers modifiers;
    private final JvmCores cores;
    private final IdleReaper reaper;
    private final ServerContext context;
    private final int listenBacklog;
    private final BacklogMonitor backlog;
    private final long startEpochSeconds = System.currentTimeMillis() / 1000;
    private volatile Thread ticker;

    private Server(List<Listener> listeners, Modifiers modifiers, JvmCores cores, IdleReaper reaper, ServerContext context,
                   int listenBacklog, BacklogMonitor backlog) {
        this.listeners = listeners;
        this.modifiers = modifiers;
        this.cores = cores;
        this.reaper = reaper;
        this.context = context;
        this.listenBacklog = listenBacklog;
        this.backlog = backlog;
    }

    /**
     * The sockets {@code options} name, in order, each with its protocol: {@code --socket}'s is
     * {@code --protocol}'s ({@code uwsgi}, the default, or {@code http}; uWSGI's others are refused).
     */
    public static List<ListenSpec> listenSpecs(Options options) throws SocketAddressSpec.InvalidAddressException {
        int httpModifier = options.intValue("http-socket-modifier1");
        String protocol = options.value("protocol").map(String::strip).orElse("uwsgi");
        boolean http = switch (protocol) {
            case "uwsgi" -> false;
            case "http", "http11" -> true;
            default -> throw new SocketAddressSpec.InvalidAddressException("protocol " + protocol
                    + " is not supported yet (uwsgi4j's sockets speak uwsgi or http)");
        };
        List<ListenSpec> specs = new ArrayList<>();
        for (Map.Entry<String, String> e : options.entries()) {
            switch (e.getKey()) {
                case "socket" -> specs.add(http ? new ListenSpec(Protocol.HTTP, SocketAddressSpec.parse(e.getValue()), httpModifier)
                        : new ListenSpec(Protocol.UWSGI, SocketAddressSpec.parse(e.getValue()), 0));
                case "http-socket" -> specs.add(new ListenSpec(Protocol.HTTP, SocketAddressSpec.parse(e.getValue()), httpModifier));
                default -> {
                }
            }
        }
        return specs;
    }

    /**
     * Binds every socket of {@code specs}, to be served through the dispatch table of
     * {@code modifiers} once {@link #accept} is called (the master drops its privileges in
     * between, as uWSGI does); the in-JVM runtimes get {@code workers × threads} cores.
     */
    public static Server bind(List<ListenSpec> specs, Options options, Modifiers modifiers,
                               RequestLog requestLog) throws IOException {
        ServerSettings settings = ServerSettings.fromOptions(options);
        var socketSettings = SocketSettings.fromOptions(options);
        int listen = socketSettings.listen();
        int workers = settings.processes();
        int threads = settings.threads();
        SocketSettings.umask(options).ifPresent(mask -> new Posix().umask(mask));
        List<Listener> listeners = new ArrayList<>();
        try {
            for (ListenSpec spec : specs) {
                listeners.add(Listener.bind(listeners.size(), spec, socketSettings));
            }
        } catch (IOException | RuntimeException e) {
            for (Listener l : listeners) {
                l.close();
            }
            throw e;
        }
        LOG.info("your server socket listen backlog is limited to {} connections", listen);
        var cores = modifiers.startCores(workers, threads, listen, options.seconds("queue-timeout").toNanos(),
                options.seconds("plugin-swap-grace"));
        var reaper = new IdleReaper(settings.socketTimeout());
        var context = new ServerContext(modifiers.table(), requestLog, settings, reaper, hostname(), workers,
                StaticConfig.fromOptions(options), AddedHeaders.fromOptions(options));
        var backlog = new BacklogMonitor(ListenBacklog::queue, System::nanoTime, LOG::warn);
        for (Listener l : listeners) {
            backlog.watch(l.boundName(), l.port() < 0 ? ListenBacklog.Socket.UNKNOWN : ListenBacklog.find(l.port()),
                    ListenBacklog.size(listen));
        }
        Server server = new Server(listeners, modifiers, cores, reaper, context, listen, backlog);
        LOG.info("*** Operational MODE: {} ***", workers * threads == 1 ? "single process" : workers > 1 ? "preforking" : "threaded");
        return server;
    }

    /** Tells {@code watcher} each time a socket's listen queue is found full (with uWSGI's line, at most once a second per socket). */
    public void onListenQueueFull(ListenQueueWatcher watcher) {
        backlog.onFull(watcher);
    }

    /**
     * Starts accepting connections on every bound socket; each accepting thread waits for its
     * turn ({@code NEW} lane of its modifier1's target) before each accept, or lets the idle
     * cores of a worker pool accept themselves ({@link Listener}). A ticker checks the
     * sockets' backlogs and sheds requests past {@code --queue-timeout} once a second.
     */
    public void accept() {
        for (Listener l : listeners) {
            l.start(socket -> serve(l, socket), l.spec().protocol() == Protocol.HTTP ? socket -> await(l, socket) : null,
                    () -> context.awaitTurn(l, RequestQueue.Lane.NEW),
                    () -> context.table.target(l.spec().modifier1()).readySet());
        }
        ticker = Thread.ofPlatform().daemon().name("uwsgi4j-backlog").start(this::tick);
    }

    /** Once a second, as uWSGI's master cycle: the sockets' backlogs, then the queues' timeouts. */
    private void tick() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(1000); // the check's period, as uWSGI's master cycle
            } catch (InterruptedException e) {
                return;
            }
            try {
                backlog.sample();
                context.table.expireAll();
            } catch (RuntimeException e) {
                LOG.error("!!! checking the listen queues failed: {} !!!", e.toString(), e);
            }
        }
    }

    /** On the listener's accepting thread: starts the connection without blocking that thread. */
    private void serve(Listener listener, java.nio.channels.SocketChannel socket) {
        try {
            if (listener.spec().protocol() == Protocol.HTTP) {
                new HttpConnection(context, listener, socket).start();
            } else {
                new UwsgiConnection(context, listener, socket).start();
            }
        } catch (IOException | RuntimeException e) {
            setupFailed(socket, e);
        }
    }

    /**
     * On a core's thread: starts an HTTP connection that the core accepted behind another one; it
     * waits for its turn in its target's ready set ({@link HttpConnection#startWaiting}).
     */
    private void await(Listener listener, java.nio.channels.SocketChannel socket) {
        try {
            new HttpConnection(context, listener, socket).startWaiting();
        } catch (IOException | RuntimeException e) {
            setupFailed(socket, e);
        }
    }

    private static void setupFailed(java.nio.channels.SocketChannel socket, Exception e) {
        LOG.debug("connection setup failed: {}", e.getMessage());
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** SERVER_NAME as uWSGI sets it on HTTP sockets: the machine's host name. */
    private static String hostname() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The uwsgi socket {@code listener} served in this JVM, without the socket (the api's {@link LocalUwsgi}). */
    public LocalUwsgi localSocket(Listener listener) {
        return new LocalUwsgiSocket(context, listener);
    }

    /** The bound sockets, in the order of the options. */
    public List<Listener> listeners() {
        return List.copyOf(listeners);
    }

    /** The in-JVM runtimes' cores. */
    public JvmCores cores() {
        return cores;
    }

    /** The dispatch table its connections look their targets up in. */
    public DispatchTable table() {
        return context.table;
    }

    public int listenBacklog() {
        return listenBacklog;
    }

    /**
     * Connections waiting in the operating system's backlog of socket {@code index} now (0 for
     * Unix sockets).
     */
    public long listenQueue(int index) {
        return backlog.queue(index);
    }

    /** The largest backlog of any socket now (uWSGI's {@code listen_queue}). */
    public long listenQueue() {
        return backlog.largest();
    }

    /** Checks that found a socket's backlog full, since start (uWSGI's {@code listen_queue_errors}). */
    public long listenQueueErrors() {
        return backlog.errors();
    }

    /** Static files' answers sent by the kernel since start (the stats' {@code static_requests}). */
    public long staticRequests() {
        return context.statics.served();
    }

    /** Requests served since start. */
    public long totalRequests() {
        return context.totalRequests.get();
    }

    /** Counters of worker {@code id}: requests, exceptions, bytes sent, average response time in µs. */
    public long[] workerCounters(int id) {
        WorkerCounters c = context.worker(id);
        return new long[] {c.requests.get(), c.exceptions.get(), c.tx.get(), c.averageMicros(), c.totalMicros.get()};
    }

    /** How many worker counter slots there are (--processes). */
    public int workerSlots() {
        return cores.cores().isEmpty() ? 1 : cores.cores().getLast().worker();
    }

    /** When the server started, epoch seconds. */
    public long startEpochSeconds() {
        return startEpochSeconds;
    }

    /**
     * Closes the listening sockets: new clients are refused from now on, connections already
     * accepted go on. Idempotent, any thread; a socket that fails to close is logged.
     */
    public void stopAccepting() {
        for (Listener l : listeners) {
            try {
                l.close();
            } catch (IOException e) {
                LOG.warn("closing {}: {}", l.boundName(), e.getMessage());
            }
        }
    }

    /** Stops accepting, lets the in-JVM cores finish what they hold (up to 10 s), then stops them. */
    @Override
    public void close() throws IOException {
        Thread t = ticker;
        if (t != null) {
            t.interrupt();
        }
        stopAccepting();
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (cores.busy() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20); // waiting for requests in hand, bounded by the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        reaper.close();
        modifiers.stopCores(cores);
    }
}
