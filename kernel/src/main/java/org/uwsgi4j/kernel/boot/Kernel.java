package org.uwsgi4j.kernel.boot;

import java.time.Duration;
import java.util.List;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.dispatch.Modifiers;
import org.uwsgi4j.launcher.api.ProcessExit;

/**
 * Brings an instance up, on its own thread, by running its boot steps in uWSGI's order:
 *
 * <pre>
 *  ReadConfig      argv ─▶ config (kernel + every available plugin's option specs);
 *                  --version / --help / --plugins-list answered, exit
 *  CheckUsers      the workers' settings, parsed once; --uid/--gid must exist
 *  OpenLog         log pipeline (--logto, --log-date)
 *  CheckCodeDirs   plugins/, --plugins-dir, the drop-in dir: safe owner and mode (StrictModes)
 *  ReportConfig    --show-config (exit on --dry-run)
 *  StartDaemon     --daemonize: start the daemon and exit 0
 *  LogBanner       the start-up lines (held until ReleaseLog)
 *  StartPlugins    the selected plugins; publish Instance, Options, PoolSettings
 *  ReleaseLog      the lines held since the banner go to the loggers the plugins brought
 *  CheckComponents a plugin component that refused its options ends the start (exit 1), before
 *                  any socket is bound or worker spawned
 *  StartMaster     runtime dir, master loop, signals, --touch-*reload
 *  BindSockets     sockets, cores, stats server
 *  BindShell       --shell-socket: a 0600 Unix socket, or TCP with a token
 *  PublishMaster   the master as a service: the apps load
 *  CheckComponents again, for the components that waited for the master's services
 *  WritePidfile    --pidfile
 *  DropPrivileges  --uid/--gid
 *  WritePidfile    --pidfile2
 *  Accept          accept on the sockets
 *  PrepareDropIn   drop-in directory: created, checked like plugins/; unsafe files will not be installed
 *  StartShell      --shell, serve --shell-socket (the Gogo runtime starts only then)
 *  Ready           "uwsgi4j is ready", once the apps loaded and the workers run (JVM uptime)
 *  WatchDropIn     the drop-in directory watched (Configuration Admin and FileInstall start only now)
 * </pre>
 *
 * Any step may end the start-up with a one-line error and exit code 1 (no stack trace for a
 * user's mistake). The process exits through the launcher's {@link ProcessExit}.
 */
@Component(immediate = true, service = {})
public final class Kernel {

    private static final Logger LOG = LoggerFactory.getLogger(Kernel.class);

    private final Boot boot;
    private final List<BootStep> steps;
    private final Thread thread;
    private volatile boolean stopping;

    @Activate
    public Kernel(BundleContext context, @Reference ProcessExit exit, @Reference Modifiers modifiers) {
        this.boot = new Boot(context, exit, modifiers);
        this.steps = List.of(
                new ReadConfig(),
                new CheckUsers(),
                new OpenLog(),
                new CheckCodeDirs(),
                new ReportConfig(),
                new StartDaemon(),
                new LogBanner(),
                new StartPlugins(),
                new ReleaseLog(),
                new CheckComponents(),
                new StartMaster(),
                new NameMaster(),
                new BindSockets(),
                new BindShell(),
                new PublishMaster(),
                new CheckComponents(),
                new WritePidfile("pidfile"),
                new DropPrivileges(),
                new WritePidfile("pidfile2"),
                new OpenLogto2(),
                new Accept(),
                new AttachDaemons(),
                new PrepareDropIn(),
                new StartShell(),
                new Ready(),
                new WatchDropIn());
        this.thread = Thread.ofPlatform().name("uwsgi4j-kernel").unstarted(this::boot);
        thread.start();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        stopping = true;
        thread.interrupt();
        thread.join(Duration.ofSeconds(10));
        boot.stop();
    }

    private void releaseLog() {
        if (boot.log != null) {
            boot.log.release();
        }
    }

    private void boot() {
        try {
            for (BootStep step : steps) {
                if (!step.run(boot)) {
                    return;
                }
            }
        } catch (StartupException e) {
            releaseLog();
            LOG.error(e.getMessage());
            boot.exit(ProcessExit.FAILURE);
        } catch (Exception e) {
            if (stopping) {
                return; // the framework is stopping while we start: not an error, and the exit is under way
            }
            releaseLog();
            LOG.error("!!! uwsgi4j internal error during start-up !!!", e);
            boot.exit(ProcessExit.FAILURE);
        }
    }
}
