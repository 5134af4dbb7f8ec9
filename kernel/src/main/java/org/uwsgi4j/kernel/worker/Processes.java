package org.uwsgi4j.kernel.worker;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.IntConsumer;
import org.uwsgi4j.kernel.api.WorkerHost;

/**
 * The worker processes as the master controls them: started, signalled, watched. It is the seam
 * between the master's decisions and the operating system, so that respawn, harakiri, reloads
 * and the cheaper mode are unit-tested with fake processes; {@link SystemProcesses} is the real one.
 * (A process's channels are not here: they are the generation's socket, which a test can connect to.)
 */
interface Processes {

    /**
     * Starts a worker host ({@code role} {@code host}, {@code workerId} 0) or a {@code --lazy-apps}
     * worker ({@code worker}, its id) that connects back to {@code socket} with {@code token}.
     */
    Child start(WorkerHost host, Path socket, String token, String role, int workerId, PoolSettings settings)
            throws IOException;

    /** Whether {@code pid} is a running process (false for 0). */
    boolean isAlive(long pid);

    /** Sends SIGKILL to {@code pid} when it runs. */
    void kill(long pid);

    /** The resident set size of {@code pid} in bytes (0 when it cannot be read). */
    long rss(long pid);

    /** The first line of /proc/PID/NAME, if it can be read and is not empty ({@code --harakiri-verbose}). */
    Optional<String> procLine(long pid, String name);

    /** Waits until {@code pid} has exited, at the latest until {@code deadlineNanos} ({@link System#nanoTime()}); then kills it. */
    void awaitExit(long pid, long deadlineNanos);

    /** A process the master started. */
    interface Child {

        long pid();

        boolean isAlive();

        /** Sends SIGTERM. */
        void terminate();

        /** Calls {@code status} with the exit value once the process has exited, on any thread. */
        void onExit(IntConsumer status);
    }
}
