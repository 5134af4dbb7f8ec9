package org.uwsgi4j.launcher;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.function.Consumer;
import org.uwsgi4j.launcher.api.ProcessSignal;
import sun.misc.Signal;

/**
 * uWSGI's signals for the whole process: SIGHUP reloads, SIGTERM, SIGINT and SIGQUIT shut down
 * gracefully. Each is handed, as a {@link ProcessSignal}, to {@code sink} (the kernel's handler once it runs);
 * handlers only hand over, the kernel's master does the work.
 *
 * <p>A process started as a background job of a non-interactive shell inherits SIGINT (and
 * SIGQUIT) <em>ignored</em>, and the JVM then refuses to handle SIGINT. So SIGHUP, SIGTERM and
 * SIGINT are first reset to their default disposition with libc's {@code signal(2)} (through
 * FFM), then handled with {@code sun.misc.Signal}.
 *
 * <p>SIGQUIT cannot be handled that way: HotSpot keeps it (even an inherited "ignored") and
 * answers it with a thread dump on fd 1, and refuses {@code Signal.handle} for it. It is seen
 * through that dump instead ({@link QuitWatch}), once the server runs ({@link #watchQuit}): before
 * that, and when fd 1 cannot be taken over, SIGQUIT only prints the JVM's thread dump. Its
 * disposition is left alone, since resetting it would make SIGQUIT kill the process.
 */
final class Signals {

    static final List<String> HANDLED = List.of("HUP", "TERM", "INT");
    private static final int[] NUMBERS = {1, 15, 2};

    private Signals() {
    }

    /** Resets SIGHUP, SIGTERM and SIGINT to their default disposition, then routes them to {@code sink}. */
    static void install(Consumer<ProcessSignal> sink) {
        resetToDefault();
        for (String name : HANDLED) {
            Signal.handle(new Signal(name), s -> sink.accept(ProcessSignal.valueOf(s.getName())));
        }
    }

    /**
     * Routes SIGQUIT to {@code sink} from now on, by taking fd 1 over ({@link QuitWatch}); when
     * that is not possible, says so in one line on stderr and leaves SIGQUIT to the JVM.
     */
    static void watchQuit(Consumer<ProcessSignal> sink) {
        try {
            QuitWatch.start(sink);
        } catch (IOException | RuntimeException e) {
            System.err.println("uwsgi4j: SIGQUIT will not stop this instance (stop it with SIGTERM or SIGINT): "
                    + e.getMessage());
        }
    }

    private static void resetToDefault() {
        try {
            Linker linker = Linker.nativeLinker();
            MethodHandle signal = linker.downcallHandle(linker.defaultLookup().find("signal").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            for (int number : NUMBERS) {
                MemorySegment previous = (MemorySegment) signal.invokeExact(number, MemorySegment.NULL); // SIG_DFL
            }
        } catch (Throwable t) {
            System.err.println("uwsgi4j: cannot reset signal dispositions: " + t);
        }
    }
}
