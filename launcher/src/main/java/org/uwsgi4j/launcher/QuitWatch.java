package org.uwsgi4j.launcher;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Consumer;
import org.uwsgi4j.launcher.api.ProcessSignal;

/**
 * SIGQUIT for a JVM. HotSpot keeps SIGQUIT for itself (Java code cannot handle it) and answers
 * it by printing a thread dump on fd 1; so the watch puts a pipe on fd 1 and reads what comes
 * through it: a dump there means the process got SIGQUIT, and {@link ProcessSignal#QUIT} goes to the sink.
 *
 * <pre>
 *  before:  System.out, the JVM ─▶ fd 1 ─▶ stdout (a terminal, file, pipe, /dev/null…)
 *
 *  after:   System.out ─▶ {@link FdOutputStream} ─▶ stdout (kept open as fd N)
 *           the JVM's own writes to fd 1 (SIGQUIT dumps, -Xlog:…:stdout, crash reports)
 *             ─▶ pipe (1 MiB; its write end non-blocking) ─▶ {@link StdoutCopier} thread
 *                ─▶ {@link ThreadDumpFilter} ─▶ stdout              everything but the dumps
 *                                            └▶ sink(QUIT)        once per dump, on a new thread
 *
 *  at exit: System.out flushed, fd 1 ─▶ stdout again, the copier drains the pipe to its end
 * </pre>
 *
 * Why Java's output does not go through the pipe: HotSpot writes the dump at a safepoint, when
 * the copier (a Java thread) cannot run; a dump larger than what the pipe holds would then make
 * the VM thread wait for the copier, which waits for the VM thread. The write end is therefore
 * non-blocking: the VM drops what does not fit instead of waiting (the dump is swallowed anyway,
 * and its end then found by time), and Java's output, which must never be dropped, bypasses the
 * pipe.
 */
final class QuitWatch {

    private static final int PIPE_SIZE = 1 << 20;
    private static final Duration DRAIN = Duration.ofSeconds(2);

    private final int stdout;
    private final StdoutCopier copier;

    private QuitWatch(int stdout, StdoutCopier copier) {
        this.stdout = stdout;
        this.copier = copier;
    }

    /**
     * Takes fd 1 over and starts the copier and its exit hook. Fails, with fd 1 and System.out
     * untouched, when fd 1 is open read-only: a process started with stdout closed finds one of
     * the JVM's own files there, which must stay.
     */
    static void start(Consumer<ProcessSignal> sink) throws IOException {
        int stdout = originalStdout();
        int[] pipe;
        try {
            pipe = Fds.pipe();
            pipe[0] = aboveStdio(pipe[0]);
            pipe[1] = aboveStdio(pipe[1]);
        } catch (IOException e) {
            closeQuietly(stdout);
            throw e;
        }
        try {
            Fds.fcntl(pipe[1], Fds.F_SETPIPE_SZ, PIPE_SIZE);
        } catch (IOException tooBig) {
            // above /proc/sys/fs/pipe-max-size or the user's pipe quota: the default size will do
        }
        PrintStream previous = System.out;
        try {
            Fds.fcntl(pipe[1], Fds.F_SETFL, Fds.fcntl(pipe[1], Fds.F_GETFL, 0) | Fds.O_NONBLOCK);
            previous.flush();
            System.setOut(new PrintStream(new BufferedOutputStream(new FdOutputStream(stdout), 8192), true, previous.charset()));
            Fds.dup2(pipe[1], 1);
        } catch (IOException e) {
            System.setOut(previous);
            closeQuietly(pipe[0]);
            closeQuietly(pipe[1]);
            closeQuietly(stdout);
            throw e;
        }
        closeQuietly(pipe[1]); // fd 1 is the write end now
        Runnable onDump = () -> Thread.ofPlatform().daemon().name("uwsgi4j-sigquit").start(() -> sink.accept(ProcessSignal.QUIT));
        StdoutCopier copier = new StdoutCopier(pipe[0], new FdOutputStream(stdout), onDump);
        Thread.ofPlatform().daemon().name("uwsgi4j-stdout").start(copier);
        QuitWatch watch = new QuitWatch(stdout, copier);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("uwsgi4j-stdout-drain").unstarted(watch::restore));
    }

    /**
     * At exit: flushes System.out, gives fd 1 back to the original stdout (closing the pipe's
     * write end) and waits, at most {@link #DRAIN}, for the copier to pass on what the pipe holds.
     */
    private void restore() {
        System.out.flush();
        try {
            Fds.dup2(stdout, 1);
            copier.awaitEnd(DRAIN);
        } catch (IOException e) {
            System.err.println("uwsgi4j: stdout: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A descriptor (close-on-exec, above 2) on what fd 1 is now: stdout, or /dev/null when fd 1 is closed. */
    private static int originalStdout() throws IOException {
        int flags;
        try {
            flags = Fds.fcntl(1, Fds.F_GETFL, 0);
        } catch (Fds.Errno e) {
            if (e.errno != Fds.EBADF) {
                throw e;
            }
            return aboveStdio(Fds.open("/dev/null", Fds.O_WRONLY | Fds.O_CLOEXEC));
        }
        if ((flags & Fds.O_ACCMODE) == 0) { // O_RDONLY
            throw new IOException("stdout (fd 1) is not open for writing (was it closed at start?)");
        }
        return Fds.fcntl(1, Fds.F_DUPFD_CLOEXEC, 3);
    }

    private static void closeQuietly(int fd) {
        try {
            Fds.close(fd);
        } catch (IOException e) {
            // nothing to do: the descriptor is released either way
        }
    }

    /** {@code fd}, moved above the standard descriptors if it took a free one of them. */
    private static int aboveStdio(int fd) throws IOException {
        if (fd > 2) {
            return fd;
        }
        int moved = Fds.fcntl(fd, Fds.F_DUPFD_CLOEXEC, 3);
        Fds.close(fd);
        return moved;
    }
}
