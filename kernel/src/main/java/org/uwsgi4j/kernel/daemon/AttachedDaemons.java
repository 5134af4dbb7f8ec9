package org.uwsgi4j.kernel.daemon;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The daemons of {@code --attach-daemon COMMAND} and {@code --smart-attach-daemon PIDFILE
 * COMMAND} ({@link AttachedDaemon}), started together after the master and stopped with the
 * server (docs/master.md, "Attached daemons").
 */
public final class AttachedDaemons implements AutoCloseable {

    private final List<AttachedDaemon> daemons = new ArrayList<>();
    private final Duration mercy;

    private AttachedDaemons(Duration mercy) {
        this.mercy = mercy;
    }

    /**
     * The daemons the options name, not started yet.
     *
     * @param attach the {@code --attach-daemon} values
     * @param smart  the {@code --smart-attach-daemon} values ({@code PIDFILE COMMAND})
     * @param env    the {@code --env} variables the commands get (null: {@code --unenv})
     * @param log    where their output goes
     * @param mercy  how long a stopped daemon has after SIGTERM before SIGKILL
     * @throws IllegalArgumentException a smart value without a command
     */
    public static AttachedDaemons of(List<String> attach, List<String> smart, Map<String, String> env, PrintStream log, Duration mercy) {
        AttachedDaemons all = new AttachedDaemons(mercy);
        for (String command : attach) {
            all.daemons.add(new AttachedDaemon(command.strip(), Optional.empty(), env, log));
        }
        for (String value : smart) {
            String v = value.strip();
            int space = v.indexOf(' ');
            if (space < 0) {
                throw new IllegalArgumentException("--smart-attach-daemon '" + value + "': expected PIDFILE COMMAND");
            }
            all.daemons.add(new AttachedDaemon(v.substring(space + 1).strip(), Optional.of(Path.of(v.substring(0, space))), env, log));
        }
        return all;
    }

    /** True when no daemon is configured. */
    public boolean isEmpty() {
        return daemons.isEmpty();
    }

    /** Starts every daemon. */
    public void start() {
        daemons.forEach(AttachedDaemon::start);
    }

    /** Stops every daemon (the plain ones get SIGTERM, then SIGKILL after the mercy). */
    @Override
    public void close() throws InterruptedException {
        for (AttachedDaemon d : daemons) {
            d.stop(mercy);
        }
    }
}
