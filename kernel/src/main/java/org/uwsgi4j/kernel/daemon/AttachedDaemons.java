package org.uwsgi4j.kernel.daemon;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.uwsgi4j.kernel.os.Posix;

/**
 * The attached daemons of every form ({@link DaemonSpec}), started together after the master
 * and stopped with the server (docs/master.md, "Attached daemons").
 */
public final class AttachedDaemons implements AutoCloseable {

    /** The values of each daemon option, as given, and {@code --daemons-honour-stdin}. */
    public record Values(List<String> attach, List<String> control, List<String> smart, List<String> smart2, List<String> keyval,
            boolean honourStdin) {
    }

    /** Watches files for a new modification time, calling back on the master's thread ({@code MasterLoop.watchTouch}). */
    @FunctionalInterface
    public interface TouchWatch {
        void watch(List<Path> files, Consumer<Path> touched);
    }

    private final List<AttachedDaemon> daemons = new ArrayList<>();
    private final Duration mercy;

    private AttachedDaemons(Duration mercy) {
        this.mercy = mercy;
    }

    /**
     * The daemons the options name, not started yet.
     *
     * @param values     the option values
     * @param env        the {@code --env} variables the commands get (null: {@code --unenv})
     * @param log        where their output goes
     * @param mercy      how long a stopped daemon has after its stop signal before SIGKILL
     * @param stopServer stops the server gracefully (a control daemon died)
     * @throws IllegalArgumentException a bad value, in one line
     */
    public static AttachedDaemons of(Values values, Map<String, String> env, PrintStream log, Duration mercy, Runnable stopServer) {
        List<DaemonSpec> specs = new ArrayList<>();
        values.attach().forEach(v -> specs.add(DaemonSpec.plain(v, false)));
        values.control().forEach(v -> specs.add(DaemonSpec.plain(v, true)));
        values.smart().forEach(v -> specs.add(DaemonSpec.smart("--smart-attach-daemon", v, false)));
        values.smart2().forEach(v -> specs.add(DaemonSpec.smart("--smart-attach-daemon2", v, true)));
        values.keyval().forEach(v -> specs.add(DaemonSpec.keyval(v)));
        AttachedDaemons all = new AttachedDaemons(mercy);
        Posix posix = specs.isEmpty() ? null : new Posix();
        for (DaemonSpec spec : specs) {
            all.daemons.add(new AttachedDaemon(values.honourStdin() ? spec.withStdin() : spec, env, log, posix, stopServer));
        }
        return all;
    }

    /** True when no daemon is configured. */
    public boolean isEmpty() {
        return daemons.isEmpty();
    }

    /** Starts every daemon, and watches the touch files of those that have some through {@code touches}. */
    public void start(TouchWatch touches) {
        for (AttachedDaemon d : daemons) {
            if (!d.spec().touch().isEmpty()) {
                touches.watch(d.spec().touch(), d::touched);
            }
            d.start();
        }
    }

    /** The server reloads: the daemons with a reload signal get it (master thread). */
    public void reloading() {
        daemons.forEach(AttachedDaemon::reloading);
    }

    /** Stops every daemon (the plain ones get their stop signal, then SIGKILL after the mercy). */
    @Override
    public void close() throws InterruptedException {
        for (AttachedDaemon d : daemons) {
            d.stop(mercy);
        }
    }
}
