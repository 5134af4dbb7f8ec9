package org.uwsgi4j.launcher;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.function.Consumer;
import sun.misc.Signal;

/**
 * uWSGI's signals for the whole process: SIGHUP reloads, SIGTERM and SIGINT shut down
 * gracefully. Each is handed, by name, to {@code sink} (the kernel's handler once it runs);
 * handlers only hand over, the kernel's master does the work.
 *
 * <p>A process started as a background job of a non-interactive shell inherits SIGINT
 * <em>ignored</em>, and the JVM then refuses to handle it. So each signal is first reset to its
 * default disposition with libc's {@code signal(2)} (through FFM), then handled.
 *
 * <p>SIGQUIT stays the JVM's: it prints a thread dump of the master (the JVM reserves it; Java
 * code cannot take it over). Use SIGTERM or SIGINT to stop.
 */
final class Signals {

    static final List<String> HANDLED = List.of("HUP", "TERM", "INT");
    private static final int[] NUMBERS = {1, 15, 2};

    private Signals() {
    }

    /** Resets the three signals to their default disposition, then routes them to {@code sink}. */
    static void install(Consumer<String> sink) {
        resetToDefault();
        for (String name : HANDLED) {
            Signal.handle(new Signal(name), s -> sink.accept(s.getName()));
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
