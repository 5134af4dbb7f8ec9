package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.ListenQueueWatcher;
import org.uwsgi4j.kernel.api.Listeners;
import org.uwsgi4j.kernel.api.StatsSection;
import org.uwsgi4j.kernel.log.RequestLog;
import org.uwsgi4j.kernel.net.GatewayListeners;
import org.uwsgi4j.kernel.net.ListenSpec;
import org.uwsgi4j.kernel.net.Server;
import org.uwsgi4j.kernel.net.SocketAddressSpec;
import org.uwsgi4j.kernel.net.SocketSettings;
import org.uwsgi4j.kernel.stats.ServerStats;
import org.uwsgi4j.kernel.stats.StatsServer;

/**
 * Binds the sockets ({@code --socket}, {@code --http-socket}) and the stats server
 * ({@code --stats}; a Unix one gets {@code --chmod-socket}'s mode, as in uWSGI) and leaves what starts accepting on them in {@link Boot#acceptors}
 * ({@link Accept} runs them once the privileges are dropped).
 */
final class BindSockets implements BootStep {

    private static final Logger LOG = LoggerFactory.getLogger(BindSockets.class);

    /**
     * An instance without sockets is one asked for: a shell (--shell, --shell-socket), a drop-in
     * directory named (--bundles-dir), or uWSGI's --no-server. Anything else is a configuration
     * that lost its socket (a misspelt option, a malformed ini section) and must not run silently.
     */
    private static boolean socketlessOnPurpose(Boot boot) {
        return boot.options.isTrue("shell") || boot.options.value("shell-socket").isPresent()
                || boot.options.value("bundles-dir").isPresent() || boot.options.isTrue("no-server");
    }

    /**
     * Offers the plugins the kernel's listener factory and its first uwsgi socket (a router
     * binds its own sockets from its activation, which this registration triggers: before the
     * privileges are dropped).
     */
    private static void registerListeners(Boot boot, Server server) throws StartupException {
        try {
            boot.register(Listeners.class, new GatewayListeners(SocketSettings.fromOptions(boot.options), server));
        } catch (IOException e) {
            throw new StartupException("bind(): " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new StartupException(e.getMessage());
        }
    }

    @Override
    public boolean run(Boot boot) throws StartupException {
        List<ListenSpec> specs;
        try {
            specs = EmbeddedSocket.withInternal(Server.listenSpecs(boot.options), boot.options);
        } catch (SocketAddressSpec.InvalidAddressException e) {
            throw new StartupException(e.getMessage());
        }
        Optional<String> stats = boot.kernel.stats();
        if (specs.isEmpty() && stats.isEmpty() && EmbeddedSocket.hasRouter(boot.options)) {
            registerListeners(boot, null); // a router with backends of its own (--http-to): it serves, the kernel binds nothing
            return true;
        }
        if (specs.isEmpty() && stats.isEmpty()) {
            if (!socketlessOnPurpose(boot)) {
                // uWSGI's words (it would also take a socket inherited on stdin, which uwsgi4j does not)
                throw new StartupException("The -s/--socket option is missing and stdin is not a socket.");
            }
            LOG.info("*** no socket given (--socket, --http-socket): serving nothing but the shell and the drop-in directory ***");
            registerListeners(boot, null);
            return true;
        }
        Server server;
        try {
            server = Server.bind(specs, boot.options, boot.modifiers, RequestLog.fromOptions(boot.options, boot.log));
        } catch (IOException e) {
            throw new StartupException("bind(): " + e.getMessage() + " [" + String.join(", ",
                    specs.stream().map(s -> s.address().text()).toList()) + "]");
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new StartupException(e.getMessage());
        }
        server.onListenQueueFull((socket, fd, queued, max) ->
                boot.each(ListenQueueWatcher.class, w -> w.full(socket, fd, queued, max)));
        boot.onStop(server);
        boot.acceptors.add(server::accept);
        registerListeners(boot, server);
        boot.stopAccepting.add(server::stopAccepting);
        if (stats.isPresent()) {
            try {
                var address = SocketAddressSpec.parse(stats.get()).bindAddress();
                var serverStats = new ServerStats(server, boot.master::pools, boot.version);
                StatsServer statsServer = StatsServer.bind(stats.get(), address, () -> serverStats.snapshot().withSections(sections(boot)),
                        StatsServer.Settings.fromOptions(boot.options));
                boot.onStop(statsServer);
                if (address instanceof UnixDomainSocketAddress unix) {
                    // as uWSGI: --chmod-socket applies to a Unix stats socket too (else the umask decides)
                    var mode = SocketSettings.fromOptions(boot.options).chmodSocket();
                    if (mode.isPresent()) {
                        Files.setAttribute(unix.getPath(), "unix:mode", mode.get());
                    }
                }
                boot.acceptors.add(statsServer::accept);
            } catch (SocketAddressSpec.InvalidAddressException e) {
                throw new StartupException("stats: " + e.getMessage());
            } catch (IOException e) {
                throw new StartupException("stats: bind(): " + e.getMessage() + " [" + stats.get() + "]");
            }
        }
        return true;
    }

    /** The kernel's own top-level fields of the stats document: a plugin section may not take their names. */
    private static final java.util.Set<String> KERNEL_FIELDS = java.util.Set.of("version", "listen_queue", "listen_queue_errors",
            "signal_queue", "load", "pid", "uid", "gid", "cwd", "locks", "sockets", "workers", "request_queue", "cheaper");

    /** The plugins' stats sections now ({@link StatsSection}, looked up for each document). */
    private static java.util.Map<String, java.util.Map<String, Object>> sections(Boot boot) {
        var sections = new java.util.TreeMap<String, java.util.Map<String, Object>>();
        boot.each(StatsSection.class, s -> {
            if (!KERNEL_FIELDS.contains(s.name())) {
                sections.put(s.name(), s.stats());
            }
        });
        return sections;
    }

}
