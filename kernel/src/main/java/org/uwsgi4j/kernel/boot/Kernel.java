package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.apache.felix.service.command.CommandProcessor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.dispatch.Modifiers;
import org.uwsgi4j.kernel.log.LogPipeline;
import org.uwsgi4j.kernel.log.LogSetupException;
import org.uwsgi4j.kernel.log.RequestLog;
import org.uwsgi4j.kernel.net.ListenSpec;
import org.uwsgi4j.kernel.net.Server;
import org.uwsgi4j.kernel.net.ServerStats;
import org.uwsgi4j.kernel.net.SocketAddressSpec;
import org.uwsgi4j.kernel.os.LibcCredentials;
import org.uwsgi4j.kernel.os.UserDb;
import org.uwsgi4j.kernel.stats.StatsServer;
import org.uwsgi4j.kernel.worker.MasterLoop;
import org.uwsgi4j.kernel.worker.PoolSettings;
import org.uwsgi4j.kernel.worker.WorkerPool;
import org.uwsgi4j.kernel.worker.RuntimeDir;
import org.uwsgi4j.kernel.config.OptionCatalog;
import org.uwsgi4j.kernel.config.OptionSpec;
import org.uwsgi4j.kernel.plugin.PluginCatalog;
import org.uwsgi4j.kernel.plugin.PluginDescriptor;
import org.uwsgi4j.kernel.plugin.PluginSelection;
import org.uwsgi4j.kernel.shell.ShellServer;

/**
 * Brings an instance up, on its own thread, in uWSGI's order:
 *
 * <pre>
 *  argv ─▶ read config (kernel + every available plugin's option specs)
 *       ─▶ answer --version / --help / --plugins-list and exit
 *       ─▶ log pipeline (--logto) ─▶ --show-config (exit on --dry-run)
 *       ─▶ --daemonize: start the daemon and exit 0 ({@link Daemonize})
 *       ─▶ start the selected plugins ─▶ publish {@link Instance} and {@link Options}
 *       ─▶ bind sockets, cores, stats ─▶ --pidfile ─▶ drop privileges ({@link MasterPrivileges})
 *       ─▶ --pidfile2 ─▶ accept ─▶ drop-in directory ─▶ shell ─▶ ready
 * </pre>
 *
 * Any step may end the start-up with a one-line error and exit code 1 (no stack trace for a
 * user's mistake). The process exits through the launcher's exit service.
 */
@Component(immediate = true, service = {})
public final class Kernel {

    private static final Logger LOG = LoggerFactory.getLogger(Kernel.class);
    private static final String FILEINSTALL = "org.apache.felix.fileinstall";
    private static final String GOGO_SHELL = "org.apache.felix.gogo.shell";

    private final BundleContext context;
    private final IntConsumer exit;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread boot;
    private volatile boolean stopping;
    /** The worker sockets' directory, once the master runs. */
    private volatile Path runtimeDir;

    private final Modifiers modifiers;

    @Activate
    public Kernel(BundleContext context, @Reference(target = "(uwsgi4j.exit=true)") IntConsumer exit,
                  @Reference Modifiers modifiers) {
        this.context = context;
        this.exit = exit;
        this.modifiers = modifiers;
        this.boot = Thread.ofPlatform().name("uwsgi4j-kernel").unstarted(this::boot);
        boot.start();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        stopping = true;
        boot.interrupt();
        boot.join(Duration.ofSeconds(10));
        synchronized (running) {
            for (AutoCloseable c : running.reversed()) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("error while stopping {}: {}", c, e.getMessage());
                }
            }
            running.clear();
        }
        registrations.forEach(r -> {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework unregistered it
            }
        });
    }

    private void boot() {
        try {
            Path home = Path.of(context.getProperty("uwsgi4j.home"));
            List<String> argv = argv();
            if (argv.isEmpty()) {
                System.out.print(Usage.text());
                exit.accept(1);
                return;
            }
            String version = version();
            Loaded loaded = ConfigStep.load(context.getBundle(), home, argv);
            Options options = loaded.options();
            if (answeredAndExited(loaded, version)) {
                return;
            }
            checkUsers(options);
            LogPipeline log = startLog(options);
            if (ConfigStep.report(loaded)) {
                exit.accept(0);
                return;
            }
            Optional<Path> daemonize = Daemonize.requested(options, System.getenv());
            if (daemonize.isPresent()) {
                Daemonize.start(daemonize.get(), Daemonize.ownCommandLine(), System.getenv());
                exit.accept(0);
                return;
            }
            Banner.log(version);
            List<PluginDescriptor> selected = selectPlugins(loaded);
            startPlugins(selected);
            Instance instance = new Instance(options, loaded.specs(), loaded.plugins(), version, home);
            registrations.add(context.registerService(Instance.class, instance, null));
            registrations.add(context.registerService(Options.class, options, null));
            MasterLoop master = startMaster(options);
            List<Runnable> acceptors = bindSockets(options, log, version, master);
            publishMaster(master);
            writePidfile(options, "pidfile");
            dropPrivileges(options, master);
            writePidfile(options, "pidfile2");
            acceptors.forEach(Runnable::run);
            startDropIn(options, home);
            startShell(options);
            long ms = Duration.between(ProcessHandle.current().info().startInstant().orElse(Instant.now()), Instant.now()).toMillis();
            LOG.info("*** uwsgi4j is ready in {} ms (pid: {}) ***", ms, ProcessHandle.current().pid());
        } catch (StartupException e) {
            LOG.error(e.getMessage());
            exit.accept(1);
        } catch (Exception e) {
            if (stopping) {
                return; // the framework is stopping while we start: not an error, and the exit is under way
            }
            LOG.error("!!! uwsgi4j internal error during start-up !!!", e);
            exit.accept(1);
        }
    }

    /** --uid/--gid must name a user and group that exist. */
    private static void checkUsers(Options options) throws StartupException {
        try {
            WorkerPool.checkSettings(PoolSettings.fromOptions(options));
        } catch (IOException e) {
            throw new StartupException(e.getMessage());
        }
    }

    /** Opens the log pipeline ({@code --logto}, {@code --log-date}) and makes it the process's stderr. */
    private LogPipeline startLog(Options options) throws StartupException {
        LogPipeline pipeline;
        try {
            pipeline = LogPipeline.open(options, System.err);
        } catch (LogSetupException e) {
            throw new StartupException(e.getMessage());
        }
        pipeline.installAsSystemErr();
        registrations.add(context.registerService(LogPipeline.class, pipeline, null));
        synchronized (running) {
            running.add(pipeline);
        }
        return pipeline;
    }

    /**
     * Makes the runtime directory and starts the master (published by {@link #publishMaster}: the
     * worker runtimes of the started plugins, and of plugins dropped in later, get their pools from it).
     */
    private MasterLoop startMaster(Options options) throws StartupException {
        RuntimeDir dir;
        try {
            dir = RuntimeDir.create(options.value("runtime-dir").map(Path::of).orElse(null));
        } catch (IOException e) {
            throw new StartupException("runtime-dir: " + e.getMessage());
        }
        runtimeDir = dir.path();
        MasterLoop master = new MasterLoop(dir, exit);
        int mercy = options.value("worker-reload-mercy").map(v -> Integer.parseInt(v.strip())).orElse(60);
        synchronized (running) {
            running.add(dir);
            running.add(() -> master.shutdown(Duration.ofSeconds(mercy)));
        }
        java.util.function.Consumer<String> signals = signal -> master.post(() -> onSignal(master, signal));
        registrations.add(context.registerService(java.util.function.Consumer.class, signals,
                new Hashtable<>(java.util.Map.of("uwsgi4j.signals", "true"))));
        List<Path> touched = new ArrayList<>();
        for (String name : List.of("touch-reload", "touch-workers-reload")) {
            options.values(name).forEach(f -> touched.add(Path.of(f)));
        }
        if (!touched.isEmpty()) {
            master.watchTouch(touched, path -> {
                LOG.info("*** {} has been touched... grace them all !!! ***", path);
                master.reloadAll();
            });
        }
        List<Path> chained = options.values("touch-chain-reload").stream().map(Path::of).toList();
        if (!chained.isEmpty()) {
            master.watchTouch(chained, path -> {
                LOG.info("*** {} has been touched... chain reload !!! ***", path);
                master.chainReloadAll();
            });
        }
        return master;
    }

    /**
     * Publishes the master as a service: from now on the worker runtimes get their pools and the
     * apps load. After the sockets are bound, as in uWSGI, so the log tells of the sockets first
     * and an app that fails to load (with {@code --need-app}) is the last thing it tells.
     */
    private void publishMaster(MasterLoop master) {
        registrations.add(context.registerService(MasterLoop.class, master, null));
    }

    /** SIGHUP reloads the workers gracefully; SIGTERM, SIGINT and SIGQUIT shut down gracefully (uWSGI 2.1). */
    private void onSignal(MasterLoop master, String signal) {
        if (signal.equals("HUP")) {
            LOG.info("...gracefully reloading the workers (SIGHUP)...");
            master.reloadAll();
        } else {
            LOG.info("SIG{} received: shutting down gracefully...", signal);
            exit.accept(0);
        }
    }

    /**
     * Binds the sockets and the stats server and starts the worker cores; returns what starts
     * accepting on them (run once the privileges are dropped).
     */
    private List<Runnable> bindSockets(Options options, LogPipeline log, String version, MasterLoop master)
            throws StartupException, IOException {
        List<ListenSpec> specs;
        try {
            specs = Server.listenSpecs(options);
        } catch (SocketAddressSpec.InvalidAddressException e) {
            throw new StartupException(e.getMessage());
        }
        if (specs.isEmpty() && options.value("stats").isEmpty()) {
            LOG.info("*** no socket given (--socket, --http-socket): serving nothing but the shell and the drop-in directory ***");
            return List.of();
        }
        Server server;
        try {
            server = Server.bind(specs, options, modifiers, master, RequestLog.fromOptions(options, log));
        } catch (IOException e) {
            throw new StartupException("bind(): " + e.getMessage() + " [" + String.join(", ",
                    specs.stream().map(s -> s.address().text()).toList()) + "]");
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            throw new StartupException(e.getMessage());
        }
        synchronized (running) {
            running.add(server);
        }
        List<Runnable> acceptors = new ArrayList<>(List.of(server::accept));
        Optional<String> stats = options.value("stats");
        if (stats.isPresent()) {
            try {
                var address = SocketAddressSpec.parse(stats.get()).bindAddress();
                var serverStats = new ServerStats(server, version);
                StatsServer statsServer = StatsServer.bind(stats.get(), address, serverStats::snapshot,
                        StatsServer.Settings.fromOptions(options));
                synchronized (running) {
                    running.add(statsServer);
                }
                acceptors.add(statsServer::accept);
            } catch (SocketAddressSpec.InvalidAddressException e) {
                throw new StartupException("stats: " + e.getMessage());
            } catch (IOException e) {
                throw new StartupException("stats: bind(): " + e.getMessage() + " [" + stats.get() + "]");
            }
        }
        return acceptors;
    }

    /**
     * Drops the master's privileges (--uid/--gid, when root) on the master's thread, so no
     * worker generation starts (and writes the bundle cache) halfway through; the Felix bundle
     * cache and the runtime directory are handed to the new user first.
     */
    private void dropPrivileges(Options options, MasterLoop master) throws StartupException, InterruptedException {
        List<Path> handOver = new ArrayList<>();
        Optional.ofNullable(context.getProperty(Constants.FRAMEWORK_STORAGE)).map(Path::of).ifPresent(handOver::add);
        handOver.add(runtimeDir);
        var privileges = new MasterPrivileges(new LibcCredentials(), new UserDb());
        var done = new CompletableFuture<Void>();
        master.post(() -> {
            try {
                privileges.drop(options.value("uid"), options.value("gid"), handOver);
                done.complete(null);
            } catch (StartupException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StartupException startup) {
                throw startup;
            }
            throw new IllegalStateException("dropping privileges failed", e.getCause());
        } catch (TimeoutException e) {
            throw new StartupException("--uid/--gid: the master's thread did not get to drop the privileges within 60 s");
        }
    }

    /**
     * Writes the master's pid to the pidfile option {@code name} with uWSGI's line:
     * {@code --pidfile} before the privileges are dropped, {@code --pidfile2} after. Each is
     * removed at a clean exit if it still holds this pid and the master may still remove it.
     * A file that cannot be written is logged, as uWSGI does, and the instance goes on.
     */
    private void writePidfile(Options options, String name) {
        String pid = String.valueOf(ProcessHandle.current().pid());
        Optional<Path> file = options.value(name).map(Path::of);
        if (file.isEmpty()) {
            return;
        }
        LOG.info("writing pidfile to {}", file.get());
        try {
            Files.writeString(file.get(), pid + "\n");
        } catch (IOException e) {
            LOG.error("could not write pidfile {}: {}", file.get(), e.getMessage());
            return;
        }
        synchronized (running) {
            running.add(() -> removePidfile(file.get(), pid));
        }
    }

    private static void removePidfile(Path file, String pid) throws IOException {
        try {
            if (Files.readString(file).strip().equals(pid)) {
                Files.delete(file);
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            // removed by someone else
        } catch (java.nio.file.AccessDeniedException dropped) {
            LOG.info("pidfile {} left in place: the master (now --uid) may not remove it", file);
        }
    }

    private List<String> argv() {
        String raw = context.getProperty("uwsgi4j.argv");
        return raw == null || raw.isEmpty() ? List.of() : Arrays.asList(raw.split("\0", -1));
    }

    private String version() {
        var v = context.getBundle().getVersion();
        return v.getMajor() + "." + v.getMinor() + "." + v.getMicro();
    }

    /** Handles the options that print something and exit; true when the process is exiting. */
    private boolean answeredAndExited(Loaded loaded, String version) {
        Options options = loaded.options();
        if (options.isTrue("version")) {
            System.out.println(version);
        } else if (options.isTrue("help")) {
            System.out.print(ConfigStep.help(loaded));
        } else if (options.isTrue("plugins-list")) {
            System.out.print(PluginsList.render(loaded.plugins()));
        } else {
            return false;
        }
        System.out.flush();
        exit.accept(0);
        return true;
    }

    private List<PluginDescriptor> selectPlugins(Loaded loaded) throws StartupException {
        try {
            return PluginSelection.select(loaded.options(), loaded.specs(), loaded.plugins());
        } catch (PluginSelection.UnknownPluginException e) {
            throw new StartupException(e.getMessage());
        }
    }

    private void startPlugins(List<PluginDescriptor> selected) throws StartupException {
        for (PluginDescriptor plugin : selected) {
            try {
                Bundle bundle = context.installBundle(plugin.location());
                bundle.start();
                LOG.info("plugin {} {} loaded", plugin.name(), plugin.version());
            } catch (BundleException e) {
                throw new StartupException("!!! UNABLE to load uWSGI plugin: " + plugin.name() + ": " + e.getMessage() + " !!!");
            }
        }
    }

    /** Starts FileInstall on {@code --bundles-dir} (default {@code bundles/} in the distribution). */
    private void startDropIn(Options options, Path home) throws StartupException, BundleException {
        Path dir = options.value("bundles-dir").map(Path::of).orElse(home.resolve("bundles")).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StartupException("bundles-dir " + dir + ": cannot create it: " + e.getMessage());
        }
        var listener = new DropInLog(dir);
        context.addBundleListener(listener);
        var notABundle = context.registerService(ArtifactInstaller.class, new NotABundle(dir), null);
        synchronized (running) {
            running.add(() -> context.removeBundleListener(listener));
            running.add(notABundle::unregister);
        }
        // FileInstall reads its settings through BundleContext.getProperty, which falls back to
        // system properties; the launcher cannot know the directory before the config is read.
        System.setProperty("felix.fileinstall.dir", dir.toString());
        Optional<Bundle> fileinstall = coreBundle(FILEINSTALL);
        if (fileinstall.isEmpty()) {
            throw new StartupException("bundles-dir: the distribution has no " + FILEINSTALL + " bundle in lib/core");
        }
        fileinstall.get().start();
        LOG.info("bundles-dir: watching {}", dir);
    }

    private void startShell(Options options) throws StartupException, IOException, BundleException {
        if (options.isTrue("shell")) {
            Optional<Bundle> gosh = coreBundle(GOGO_SHELL);
            if (gosh.isEmpty()) {
                throw new StartupException("--shell: the distribution has no " + GOGO_SHELL + " bundle in lib/core");
            }
            gosh.get().start();
        }
        Optional<String> address = options.value("shell-socket");
        if (address.isPresent()) {
            InetSocketAddress bind = ShellAddress.parse(address.get());
            if (!bind.getAddress().isLoopbackAddress()) {
                if (!options.isTrue("shell-socket-public")) {
                    throw new StartupException("shell-socket " + address.get()
                            + ": refusing a non-loopback address (the shell can run any command; add --shell-socket-public to allow it)");
                }
                LOG.warn("*** WARNING: the shell on {} is reachable from the network: anyone who connects can run any command ***", address.get());
            }
            var ref = context.getServiceReference(CommandProcessor.class);
            if (ref == null) {
                throw new StartupException("shell-socket: the Gogo runtime is not running");
            }
            ShellServer server = ShellServer.start(context.getService(ref), bind);
            synchronized (running) {
                running.add(server);
            }
            LOG.info("shell: Gogo shell bound on {}:{}", server.address().getAddress().getHostAddress(), server.address().getPort());
        }
    }

    private Optional<Bundle> coreBundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName())).findFirst();
    }
}
