package org.uwsgi4j.kernel.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * {@link Credentials} through glibc (FFM downcalls). glibc applies {@code setgid},
 * {@code setgroups}/{@code initgroups} and {@code setuid} to every thread of the process (the
 * kernel keeps credentials per thread; glibc signals the other threads), so a JVM may call
 * them from any thread.
 */
public final class LibcCredentials implements Credentials {

    private final MethodHandle getuid;
    private final MethodHandle getgid;
    private final MethodHandle getgroups;
    private final MethodHandle setgid;
    private final MethodHandle setuid;
    private final MethodHandle setgroups;
    private final MethodHandle initgroups;

    public LibcCredentials() {
        var noArgs = FunctionDescriptor.of(ValueLayout.JAVA_INT);
        getuid = Libc.plain("getuid", noArgs);
        getgid = Libc.plain("getgid", noArgs);
        getgroups = Libc.plain("getgroups", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        var oneId = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT);
        setgid = Libc.withErrno("setgid", oneId);
        setuid = Libc.withErrno("setuid", oneId);
        setgroups = Libc.withErrno("setgroups", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        initgroups = Libc.withErrno("initgroups", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    }

    @Override
    public int uid() {
        return id(getuid);
    }

    @Override
    public int gid() {
        return id(getgid);
    }

    @Override
    public int[] groups() {
        try (Arena arena = Arena.ofConfined()) {
            int n = (int) getgroups.invokeExact(0, MemorySegment.NULL);
            if (n <= 0) {
                return new int[0];
            }
            MemorySegment list = arena.allocate(ValueLayout.JAVA_INT, n);
            int got = (int) getgroups.invokeExact(n, list);
            return got <= 0 ? new int[0] : list.asSlice(0, (long) got * Integer.BYTES).toArray(ValueLayout.JAVA_INT);
        } catch (Throwable t) {
            throw new IllegalStateException("getgroups failed", t);
        }
    }

    @Override
    public void setgid(int gid) throws IOException {
        check("setgid(" + gid + ")", (arena, state) -> (int) setgid.invokeExact(state, gid));
    }

    @Override
    public void clearGroups() throws IOException {
        check("setgroups()", (arena, state) -> (int) setgroups.invokeExact(state, 0L, MemorySegment.NULL));
    }

    @Override
    public void initgroups(String user, int gid) throws IOException {
        check("initgroups(" + user + ", " + gid + ")", (arena, state) -> (int) initgroups.invokeExact(state, arena.allocateFrom(user), gid));
    }

    @Override
    public void setuid(int uid) throws IOException {
        check("setuid(" + uid + ")", (arena, state) -> (int) setuid.invokeExact(state, uid));
    }

    private static int id(MethodHandle call) {
        try {
            return (int) call.invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("cannot read the process's ids", t);
        }
    }

    private interface Call {
        int run(Arena arena, MemorySegment state) throws Throwable;
    }

    private static void check(String what, Call call) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.callState(arena);
            int rc;
            try {
                rc = call.run(arena, state);
            } catch (Throwable t) {
                throw new IllegalStateException(what + " failed", t);
            }
            if (rc != 0) {
                throw new IOException(what + ": " + Libc.strerror(Libc.errno(state)));
            }
        }
    }
}
