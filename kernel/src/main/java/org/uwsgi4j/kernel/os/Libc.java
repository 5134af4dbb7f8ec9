package org.uwsgi4j.kernel.os;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Downcalls to the C library that report failure through {@code errno}: each handle takes a
 * call-state segment first ({@link #callState}), and {@link #errno} reads it after the call.
 * Stateless: the linker and layouts are the JDK's.
 */
final class Libc {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(find("strerror"),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));

    private Libc() {
    }

    /** A handle on libc's {@code name} whose first argument is the call state capturing errno. */
    static MethodHandle withErrno(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(name), descriptor, Linker.Option.captureCallState("errno"));
    }

    /**
     * A handle on libc's {@code name} as a critical function that may take heap segments: for
     * calls that return at once (never one that may block: the thread stays in Java's state
     * and holds up the garbage collector meanwhile), reporting errors only in their result.
     */
    static MethodHandle criticalWithHeap(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(find(name), descriptor, Linker.Option.critical(true));
    }

    /** A handle on libc's {@code name}, for functions that report errors in their result. */
    static MethodHandle plain(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.downcallHandle(find(name), descriptor, options);
    }

    /** A call-state segment for one call of a {@link #withErrno} handle. */
    static MemorySegment callState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** The errno a call left in {@code state}. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** libc's text for an error number ({@code "Operation not permitted"} for EPERM). */
    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    /** The C string {@code pointer} points to. */
    static String string(MemorySegment pointer) {
        return pointer.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    private static MemorySegment find(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name));
    }
}
