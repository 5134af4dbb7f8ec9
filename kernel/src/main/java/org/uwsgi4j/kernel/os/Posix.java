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

    public Posix() {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        umask = linker.downcallHandle(libc.find("umask").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
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
