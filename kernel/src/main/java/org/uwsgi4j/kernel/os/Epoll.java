package org.uwsgi4j.kernel.os;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * A Linux epoll instance and one eventfd registered in it, for platform threads that wait for
 * any of many file descriptors to become readable (epoll(7), eventfd(2)). Any number of threads
 * may wait in {@link #await} at once: the kernel hands each ready descriptor to one of them,
 * and a descriptor added with {@link #ONESHOT} is reported once until {@link #rearm}ed, so two
 * threads never get the same readiness. {@link #wake} makes one waiter return at once.
 *
 * <p>Registrations carry a caller's 64-bit token, reported with each readiness; the token
 * {@link #WAKE} is the eventfd's. A descriptor closed while registered leaves the set by itself
 * (the kernel drops it with the descriptor). The system calls report errors here as
 * {@link IOException}s with {@code strerror}'s text, except {@code EINTR}, which is a wait that
 * returned nothing.
 *
 * <p>Threads: {@link #add}, {@link #rearm} and {@link #wake} may run on any
 * thread at any time, {@link #await} on platform threads only (it blocks its carrier).
 * {@link #close} must come after every other call has returned.
 */
public final class Epoll implements AutoCloseable {

    /** Readable (or at end of stream, or failed). */
    public static final int IN = 0x001;
    /** Reported once, then disarmed until {@link #rearm}. */
    public static final int ONESHOT = 1 << 30;
    /** The token of the eventfd's readiness ({@link #wake}). */
    public static final long WAKE = 0;

    private static final int EPOLL_CLOEXEC = 0x80000;
    private static final int EFD_NONBLOCK = 0x800;
    private static final int CTL_ADD = 1;
    private static final int CTL_MOD = 3;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    /** struct epoll_event is packed on x86-64 (4 + 8 bytes), naturally aligned elsewhere (4 + 4 + 8). */
    private static final boolean PACKED = System.getProperty("os.arch", "").matches("amd64|x86_64");
    private static final long EVENT_SIZE = PACKED ? 12 : 16;
    private static final long DATA_OFFSET = PACKED ? 4 : 8;

    private static final MethodHandle CREATE = Libc.withErrno("epoll_create1",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle CTL = Libc.withErrno("epoll_ctl", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle WAIT = Libc.withErrno("epoll_wait", FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle EVENTFD = Libc.withErrno("eventfd",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle READ = Libc.withErrno("read", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle WRITE = Libc.withErrno("write", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    private static final MethodHandle CLOSE = Libc.plain("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private final int epfd;
    private final int eventFd;
    /** Each thread's native buffers for {@link #control}: a registration per request allocates nothing. */
    private final ThreadLocal<ControlBuffers> controlBuffers = ThreadLocal.withInitial(ControlBuffers::new);

    private Epoll(int epfd, int eventFd) {
        this.epfd = epfd;
        this.eventFd = eventFd;
    }

    /** A new epoll instance with its eventfd registered (level-triggered, token {@link #WAKE}). */
    public static Epoll open() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.callState(arena);
            int ep = (int) CREATE.invokeExact(state, EPOLL_CLOEXEC);
            if (ep < 0) {
                throw failure("epoll_create1", state);
            }
            int ev = (int) EVENTFD.invokeExact(state, 0, EFD_NONBLOCK | EPOLL_CLOEXEC);
            if (ev < 0) {
                IOException e = failure("eventfd", state);
                closeFd(ep);
                throw e;
            }
            Epoll epoll = new Epoll(ep, ev);
            try {
                epoll.control(CTL_ADD, ev, IN, WAKE);
            } catch (IOException e) {
                epoll.close();
                throw e;
            }
            return epoll;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("epoll: " + t, t);
        }
    }

    /** Registers {@code fd} for {@code events} with {@code token} (not {@link #WAKE}). */
    public void add(int fd, int events, long token) throws IOException {
        control(CTL_ADD, fd, events, token);
    }

    /** Changes the registration of {@code fd}: with {@link #ONESHOT}, arms it again after a readiness. */
    public void rearm(int fd, int events, long token) throws IOException {
        control(CTL_MOD, fd, events, token);
    }

    private void control(int op, int fd, int events, long token) throws IOException {
        ControlBuffers buffers = controlBuffers.get();
        buffers.event.set(ValueLayout.JAVA_INT, 0, events);
        buffers.event.set(ValueLayout.JAVA_LONG_UNALIGNED, DATA_OFFSET, token);
        int rc;
        try {
            rc = (int) CTL.invokeExact(buffers.state, epfd, op, fd, buffers.event);
        } catch (Throwable t) {
            throw new IOException("epoll_ctl: " + t, t);
        }
        if (rc != 0) {
            throw failure("epoll_ctl", buffers.state);
        }
    }

    /** Makes one thread in {@link #await} (or the next one to call it) return {@link #WAKE}. */
    public void wake() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment one = arena.allocate(ValueLayout.JAVA_LONG);
            one.set(ValueLayout.JAVA_LONG, 0, 1);
            long ignored = (long) WRITE.invokeExact(Libc.callState(arena), eventFd, one, 8L);
        } catch (Throwable t) {
            // the counter is at its maximum (a wake-up is pending anyway) or the set is closing
        }
    }

    /** A buffer for one thread's readiness reports. */
    public Events events() {
        return new Events();
    }

    /**
     * Waits up to {@code timeoutMillis} for a readiness and returns its token, or -1 when none
     * came (or a signal interrupted the wait). A {@link #WAKE} report has reset the eventfd
     * already (or another waiter has). One report per call, so that each ready descriptor goes
     * to a thread that is free to serve it.
     */
    public long await(Events events, int timeoutMillis) throws IOException {
        try {
            int n = (int) WAIT.invokeExact(events.state, epfd, events.event, 1, timeoutMillis);
            if (n < 0) {
                int errno = Libc.errno(events.state);
                if (errno == EINTR) {
                    return -1;
                }
                throw new IOException("epoll_wait: " + Libc.strerror(errno));
            }
            if (n == 0) {
                return -1;
            }
            long token = events.event.get(ValueLayout.JAVA_LONG_UNALIGNED, DATA_OFFSET);
            if (token == WAKE) {
                long ignored = (long) READ.invokeExact(events.state, eventFd, events.counter, 8L); // EAGAIN: another waiter reset it
            }
            return token;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IOException("epoll_wait: " + t, t);
        }
    }

    /** Closes the eventfd and the epoll instance; registrations end with it. */
    @Override
    public void close() {
        closeFd(eventFd);
        closeFd(epfd);
    }

    private static void closeFd(int fd) {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            // closing anyway
        }
    }

    private static IOException failure(String call, MemorySegment state) {
        int errno = Libc.errno(state);
        return new IOException(call + ": " + Libc.strerror(errno) + (errno == EAGAIN ? " (EAGAIN)" : ""));
    }

    /** One waiting thread's native buffers (reused for each of its waits; not shared between threads). */
    public static final class Events {
        private final MemorySegment event;
        private final MemorySegment state;
        private final MemorySegment counter;

        private Events() {
            Arena arena = Arena.ofAuto();
            this.event = arena.allocate(EVENT_SIZE, 8);
            this.state = Libc.callState(arena);
            this.counter = arena.allocate(ValueLayout.JAVA_LONG);
        }
    }

    /** One thread's native buffers for epoll_ctl (the event and the errno state). */
    private static final class ControlBuffers {
        private final MemorySegment event;
        private final MemorySegment state;

        private ControlBuffers() {
            Arena arena = Arena.ofAuto();
            this.event = arena.allocate(EVENT_SIZE, 8);
            this.state = Libc.callState(arena);
        }
    }
}
