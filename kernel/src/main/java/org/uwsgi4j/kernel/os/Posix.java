package org.uwsgi4j.kernel.os;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The few POSIX calls the JDK lacks, through the Foreign Function &amp; Memory API. Each
 * method is a thin, documented wrapper over one libc function.
 */
public final class Posix {

    private final MethodHandle umask;
    private final MethodHandle kill;

    public Posix() {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        umask = linker.downcallHandle(libc.find("umask").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        kill = linker.downcallHandle(libc.find("kill").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    /**
     * {@code kill(2)}: sends {@code signal} to process {@code pid} (a negative pid: to that
     * process group). True when it was sent; false when there is no such process or it may not
     * be signalled.
     */
    public boolean kill(long pid, int signal) {
        try {
            return (int) kill.invokeExact((int) pid, signal) == 0;
        } catch (Throwable t) {
            throw new IllegalStateException("kill failed", t);
        }
    }

    /** {@code umask(2)}: sets the process's file mode creation mask, returns the previous one. */
    public int umask(int mask) {
        try {
            return (int) umask.invokeExact(mask);
        } catch (Throwable t) {
            throw new IllegalStateException("umask failed", t);
        }
    }
}
