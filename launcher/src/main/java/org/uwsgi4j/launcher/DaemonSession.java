package org.uwsgi4j.launcher;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Map;

/**
 * The daemon's own session. {@code --daemonize} starts a copy of the command line marked with
 * the environment variable {@value #MARKER} (the kernel's {@code Daemonize}); that copy calls
 * {@code setsid()} (through FFM) before anything else, so it leads a new session with no
 * controlling terminal: a closing terminal or its Ctrl-C no longer reaches it. Its stdin,
 * stdout and stderr were set by the process that started it.
 */
final class DaemonSession {

    /** Set (to 1) in the daemon's environment; the kernel's {@code Daemonize.MARKER}. */
    static final String MARKER = "UWSGI4J_DAEMON";

    private DaemonSession() {
    }

    /** Calls setsid() when {@code env} marks this process as the daemon; a failure is one line on stderr. */
    static void enterIfDaemon(Map<String, String> env) {
        if (!env.containsKey(MARKER)) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            Linker linker = Linker.nativeLinker();
            var state = Linker.Option.captureStateLayout();
            MethodHandle setsid = linker.downcallHandle(linker.defaultLookup().find("setsid").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT), Linker.Option.captureCallState("errno"));
            MemorySegment captured = arena.allocate(state);
            int sid = (int) setsid.invokeExact(captured);
            if (sid < 0) {
                int errno = (int) state.varHandle(MemoryLayout.PathElement.groupElement("errno")).get(captured, 0L);
                System.err.println("uwsgi4j: setsid() failed (errno " + errno + "): the daemon stays in its parent's session");
            }
        } catch (Throwable t) {
            System.err.println("uwsgi4j: setsid() failed: " + t);
        }
    }
}
