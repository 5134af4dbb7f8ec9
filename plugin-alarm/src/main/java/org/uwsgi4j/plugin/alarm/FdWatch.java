package org.uwsgi4j.plugin.alarm;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/**
 * {@code --alarm-fd}: a descriptor the server process inherited (an eventfd the cgroup OOM
 * notifier writes to, a pipe), watched by a platform thread of its own with the plugin's own
 * native calls (FFM: {@code poll}, {@code read}; the JDK cannot open a descriptor by number).
 *
 * <pre>
 *  poll(fd, POLLIN, 1 s) ─▶ readable ─▶ read BYTES (the first --alarm-fd of that fd decides:
 *        ▲                               1 by default, 8 for an eventfd) ─▶ raise every alarm
 *        └──────────────────────────────────────────────────────────────── of that fd, each with its message
 *  read() fails or hits end of file ─▶ uWSGI's two lines, the fd is no longer watched
 * </pre>
 *
 * A descriptor that is not open at start says so in one line and is not watched: with
 * {@code --daemonize} the server runs in a process started again by the JVM, which passes on
 * only stdin, stdout and stderr (a JVM cannot fork), so an inherited fd is never there.
 */
final class FdWatch {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle POLL = LINKER.downcallHandle(find("poll"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle READ = LINKER.downcallHandle(find("read"),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(find("strerror"),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final short POLLIN = 0x1;
    private static final short POLLNVAL = 0x20;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;

    private final int fd;
    private final int bytes;
    private final List<AlarmDefinitions.FdTrigger> fired;
    private final BiPredicate<String, String> trigger;
    private final Consumer<String> log;
    private final boolean open;
    private volatile boolean running = true;
    private volatile String state;
    private Thread thread;

    private FdWatch(int fd, List<AlarmDefinitions.FdTrigger> fired, BiPredicate<String, String> trigger, Consumer<String> log,
                    boolean open) {
        this.fd = fd;
        this.bytes = fired.getFirst().bytes();
        this.fired = fired;
        this.trigger = trigger;
        this.log = log;
        this.open = open;
        this.state = open ? "watched" : "not open";
    }

    /**
     * One watch per descriptor of {@code triggers}; logs uWSGI's {@code [uwsgi-alarm] added fd N},
     * or one line for a descriptor this process does not have ({@code daemonized}: why).
     */
    static List<FdWatch> group(List<AlarmDefinitions.FdTrigger> triggers, boolean daemonized,
                               BiPredicate<String, String> trigger, Consumer<String> log) {
        Map<Integer, List<AlarmDefinitions.FdTrigger>> byFd = new LinkedHashMap<>();
        for (AlarmDefinitions.FdTrigger t : triggers) {
            List<AlarmDefinitions.FdTrigger> list = byFd.computeIfAbsent(t.fd(), k -> new ArrayList<>());
            if (list.stream().noneMatch(o -> o.alarm().equals(t.alarm()))) { // uWSGI adds the same fd and alarm once
                list.add(t);
            }
        }
        List<FdWatch> watches = new ArrayList<>();
        byFd.forEach((fd, list) -> {
            boolean open = Files.exists(Path.of("/proc/self/fd/" + fd));
            if (open) {
                log.accept("[uwsgi-alarm] added fd " + fd);
            } else {
                log.accept("[uwsgi-alarm-fd] fd " + fd + " is not open in this process: alarm " + list.getFirst().alarm()
                        + " will not be raised by it" + (daemonized
                        ? " (with --daemonize the server runs in a new process that inherits only stdin, stdout and stderr)" : ""));
            }
            watches.add(new FdWatch(fd, list, trigger, log, open));
        });
        return watches;
    }

    void start() {
        if (open) {
            thread = Thread.ofPlatform().daemon().name("uwsgi4j-alarm-fd-" + fd).start(this::loop);
        }
    }

    /** Stops watching within a second (the thread is between two polls then). */
    void stop() {
        running = false;
    }

    String describe() {
        StringBuilder out = new StringBuilder();
        for (AlarmDefinitions.FdTrigger t : fired) {
            out.append(out.isEmpty() ? "" : "; ").append("--alarm-fd ").append(t.alarm()).append(' ').append(fd).append(':')
                    .append(bytes).append(' ').append(t.message());
        }
        return out + " (" + state + ")";
    }

    private void loop() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfd = arena.allocate(8, 4);
            MemorySegment buffer = arena.allocate(bytes);
            MemorySegment callState = arena.allocate(CALL_STATE);
            while (running) {
                pollfd.set(ValueLayout.JAVA_INT, 0, fd);
                pollfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
                pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
                int n = (int) POLL.invokeExact(callState, pollfd, 1L, 1000);
                if (n < 0) {
                    if ((int) ERRNO.get(callState, 0L) == EINTR) {
                        continue;
                    }
                    failed("poll()", (int) ERRNO.get(callState, 0L));
                    return;
                }
                if (n == 0 || !running) {
                    continue;
                }
                if ((pollfd.get(ValueLayout.JAVA_SHORT, 6) & POLLNVAL) != 0) {
                    failed("poll()", 9); // EBADF: closed under us
                    return;
                }
                if (!readAll(buffer, callState)) {
                    return;
                }
                for (AlarmDefinitions.FdTrigger t : fired) {
                    trigger.test(t.alarm(), t.message());
                }
            }
        } catch (Throwable t) {
            log.accept("[uwsgi-alarm-fd] watching fd " + fd + " failed: " + t);
        }
    }

    /** Reads {@link #bytes} bytes (waiting for the rest of a partial read); false, with uWSGI's lines, when read() fails or ends. */
    private boolean readAll(MemorySegment buffer, MemorySegment callState) throws Throwable {
        long remains = bytes;
        while (remains > 0 && running) {
            long len = (long) READ.invokeExact(callState, fd, buffer.asSlice(bytes - remains), remains);
            if (len > 0) {
                remains -= len;
                continue;
            }
            int errno = (int) ERRNO.get(callState, 0L);
            if (len < 0 && (errno == EINTR || errno == EAGAIN)) {
                if (errno == EAGAIN) {
                    MemorySegment pollfd = Arena.ofAuto().allocate(8, 4);
                    pollfd.set(ValueLayout.JAVA_INT, 0, fd);
                    pollfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
                    int ignored = (int) POLL.invokeExact(callState, pollfd, 1L, 1000);
                }
                continue;
            }
            failed("read()", len == 0 ? 0 : errno);
            return false;
        }
        return running;
    }

    private void failed(String call, int errno) {
        state = "stopped";
        log.accept("[uwsgi-alarm-fd]/" + call + ": " + (errno == 0 ? "end of file" : strerror(errno)));
        log.accept("[uwsgi-alarm-fd] i will stop monitoring fd " + fd);
    }

    private static String strerror(int errno) {
        try {
            return ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static MemorySegment find(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow(() -> new IllegalStateException("libc has no " + name));
    }
}
