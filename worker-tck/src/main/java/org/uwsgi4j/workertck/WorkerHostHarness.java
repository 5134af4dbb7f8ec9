package org.uwsgi4j.workertck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.uwsgi4j.kernel.protocol.Fields;
import org.uwsgi4j.kernel.protocol.Frame;
import org.uwsgi4j.kernel.protocol.FrameType;
import org.uwsgi4j.kernel.worker.FrameChannel;

/**
 * The kernel's side of docs/worker-protocol.md, for tests of a worker host: a generation's
 * socket in a fresh temp dir, the host started as a real process with the protocol's
 * environment, and helpers that write requests and read frames with the kernel's own codec.
 * Every wait awaits its condition and has a deadline ({@link #deadlineMillis}: a watchdog closes
 * the channel), none sleeps.
 *
 * <pre>
 *  test (this class) ── listens on DIR/m0-g1.sock ──┐
 *    start("host") ──▶ command(dir) + UWSGI4J_* + fixtureApp(dir)
 *    accept() ◀── HELLO …     FORK ──▶     REQUEST/BODY ──▶ ◀── START/DATA/END …
 *    a core's HELLO ──▶ opens DIR/ahead.<pid>.<core> (AheadFifo), removes the name; writeAhead() ──▶ FIFO
 * </pre>
 *
 * A host joins by implementing {@link #command}, {@link #fixtureApp} and {@link #brokenApp};
 * {@link WorkerHostContract} holds the cases every host must pass.
 */
@Timeout(120)
public abstract class WorkerHostHarness {

    /** {@link #deadlineMillis()}'s default: generous, since a wait ends as soon as its condition holds. */
    private static final long DEADLINE_MS = 30_000;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "worker-host-kit-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** The temp dir of one test: the socket, the fixture app, the processes' logs. */
    @TempDir
    protected Path dir;
    protected Path socketPath;
    /** The token every HELLO must carry. */
    protected final String token = HexFormat.of().formatHex(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    private ServerSocketChannel server;
    private Selector selector;
    private final List<Process> processes = new ArrayList<>();
    private final List<FrameChannel> channels = new ArrayList<>();
    private final Map<FrameChannel, SocketChannel> sockets = new IdentityHashMap<>();
    private final Map<FrameChannel, AheadFifo> aheads = new IdentityHashMap<>();
    private int started;
    /** Notified whenever a process's stdout or stderr got bytes. */
    private final Object output = new Object();

    // ---- what a host provides ----------------------------------------------------------------

    /**
     * How long any one wait (a connection, a frame, an exit, output) may take before the case
     * fails: 30 s, generous because a loaded machine starts interpreters slowly and a wait that
     * holds ends at once. A subclass that expects a case to fail at a deadline may shorten it.
     */
    protected long deadlineMillis() {
        return DEADLINE_MS;
    }

    /**
     * The command that starts the host: the interpreter and the host program (written into
     * {@code dir} if it must be). It must exec the host itself, not wrap it in a shell: the
     * kit compares the process's pid with the pid of its {@code HELLO}.
     */
    protected abstract List<String> command(Path dir) throws IOException;

    /**
     * Writes the kit's fixture app (the endpoints of {@link WorkerHostContract}) into
     * {@code dir} and returns the environment that makes the host load it.
     */
    protected abstract Map<String, String> fixtureApp(Path dir) throws IOException;

    /** Writes an app that fails to load (an error at load time) and returns the environment that loads it. */
    protected abstract Map<String, String> brokenApp(Path dir) throws IOException;

    // ---- set-up ------------------------------------------------------------------------------

    @BeforeEach
    void listen() throws IOException {
        socketPath = dir.resolve("m0-g1.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        server.configureBlocking(false);
        selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
    }

    @AfterEach
    void stopAll() throws IOException {
        channels.forEach(FrameChannel::close);
        aheads.values().forEach(AheadFifo::close);
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        selector.close();
        server.close();
    }

    // ---- the kernel's side -------------------------------------------------------------------

    /**
     * Starts the host with role {@code role} ({@code host} or {@code worker}), the protocol's
     * variables (one thread, two processes), the fixture app's environment, then {@code extra}.
     */
    protected Process start(String role, Map<String, String> extra) throws IOException {
        return start(role, extra, command(dir));
    }

    /** {@link #start(String, Map)} with the file mode creation mask {@code umask} (octal), as {@code --umask} gives it. */
    protected Process startWithUmask(String role, Map<String, String> extra, String umask) throws IOException {
        List<String> wrapped = new ArrayList<>(List.of("/bin/sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
        wrapped.addAll(command(dir));   // exec: the host keeps the shell's pid
        return start(role, extra, wrapped);
    }

    private Process start(String role, Map<String, String> extra, List<String> command) throws IOException {
        Map<String, String> env = new LinkedHashMap<>(fixtureApp(dir));
        env.putAll(extra);
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> penv = pb.environment();
        penv.keySet().removeIf(k -> k.startsWith("UWSGI4J_"));
        penv.put("UWSGI4J_SOCKET", socketPath.toString());
        penv.put("UWSGI4J_TOKEN", token);
        penv.put("UWSGI4J_ROLE", role);
        penv.put("UWSGI4J_THREADS", "1");
        penv.put("UWSGI4J_PROCESSES", "2");
        penv.putAll(env);
        int n = ++started;
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process p = pb.start();
        processes.add(p);
        copy(p.getInputStream(), dir.resolve("stdout-" + n + ".log"));
        copy(p.getErrorStream(), dir.resolve("stderr-" + n + ".log"));
        return p;
    }

    /**
     * Copies a process's stdout or stderr pipe into {@code file} as the bytes come, on a thread
     * of its own: the host's output goes through a pipe, as in the kernel, where writes longer
     * than PIPE_BUF can interleave (a file would hide that).
     */
    private void copy(InputStream pipe, Path file) throws IOException {
        Files.createFile(file);
        Thread.ofPlatform().daemon().name("worker-host-kit-" + file.getFileName()).start(() -> {
            byte[] buf = new byte[65536];
            try (pipe; OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
                for (int n; (n = pipe.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                    out.flush();
                    synchronized (output) {
                        output.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        });
    }

    /**
     * What the started processes wrote to {@code stream} ({@code stdout} or {@code stderr}) so
     * far, all processes in start order, once {@code done} holds for it (within the deadline).
     */
    protected String awaitOutput(String stream, Predicate<String> done) throws IOException, InterruptedException {
        long end = System.nanoTime() + deadlineMillis() * 1_000_000;
        synchronized (output) {
            while (true) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= started; i++) {
                    sb.append(Files.readString(dir.resolve(stream + "-" + i + ".log"), StandardCharsets.ISO_8859_1));
                }
                String text = sb.toString();
                if (done.test(text)) {
                    return text;
                }
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return fail("the " + stream + " of the processes is not as expected within " + deadlineMillis() + " ms:\n"
                            + (text.length() > 2000 ? text.substring(0, 2000) + "…" : text));
                }
                output.wait(left);
            }
        }
    }

    /** What the started processes wrote to stderr so far (for failure messages). */
    protected String stderr() {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i <= started; i++) {
            try {
                sb.append("\n--- stderr of process ").append(i).append(" ---\n")
                        .append(Files.readString(dir.resolve("stderr-" + i + ".log")));
            } catch (IOException e) {
                sb.append(e);
            }
        }
        return sb.toString();
    }

    /** The next connection to the socket, within the deadline. */
    protected FrameChannel accept() throws IOException {
        long end = System.nanoTime() + deadlineMillis() * 1_000_000;
        while (true) {
            SocketChannel ch = server.accept();
            if (ch != null) {
                ch.configureBlocking(true);
                FrameChannel fc = new FrameChannel(ch);
                channels.add(fc);
                sockets.put(fc, ch);
                return fc;
            }
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                fail("no connection from the worker host within " + deadlineMillis() + " ms" + stderr());
            }
            selector.select(left);
            selector.selectedKeys().clear();
        }
    }

    /** The socket under {@code ch}, for tests that look at single reads. */
    protected SocketChannel socketOf(FrameChannel ch) {
        return sockets.get(ch);
    }

    /** Closes {@code ch} when the deadline passes unless the returned future is cancelled first. */
    protected ScheduledFuture<?> watchdog(AutoCloseable ch) {
        return WATCHDOG.schedule(() -> {
            ch.close();
            return null;
        }, deadlineMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The next frame on {@code ch}, within the deadline. A core's {@code HELLO} opens its ahead
     * FIFO, as the kernel does ({@link #ahead}).
     */
    protected Frame read(FrameChannel ch) throws IOException {
        ScheduledFuture<?> dog = watchdog(ch);
        Frame f;
        try {
            f = ch.read();
        } catch (AsynchronousCloseException e) {
            return fail("no frame within " + deadlineMillis() + " ms" + stderr());
        } finally {
            dog.cancel(false);
        }
        if (f.type() == FrameType.HELLO) {
            List<String> hello = f.fields();
            if (hello.size() >= 5 && hello.get(1).equals("core")) {
                AheadFifo fifo = AheadFifo.open(dir.resolve("ahead." + hello.get(4) + "." + hello.get(3)));
                if (fifo != null) {
                    aheads.put(ch, fifo);
                }
            }
        }
        return f;
    }

    /**
     * The ahead FIFO a core offered before its {@code HELLO} (docs/worker-protocol.md, "Requests
     * written ahead"), opened by the kit when it read that HELLO, its name removed; null when the
     * core offered none.
     */
    protected AheadFifo ahead(FrameChannel core) {
        return aheads.get(core);
    }

    /**
     * Writes {@code frames} into {@code core}'s ahead FIFO in one write, as the kernel writes the
     * core's next request while one is in hand; fails when the core offered no FIFO.
     */
    protected void writeAhead(FrameChannel core, List<Frame> frames) throws IOException {
        AheadFifo fifo = aheads.get(core);
        if (fifo == null) {
            fail("the core offered no ahead FIFO" + stderr());
        }
        fifo.write(encode(frames));
    }

    /** {@code frames} as they go on the wire: each an 8-byte header and its payload. */
    protected static byte[] encode(List<Frame> frames) {
        int total = 0;
        for (Frame f : frames) {
            total += FrameChannel.HEADER + f.length();
        }
        ByteBuffer out = ByteBuffer.allocate(total).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (Frame f : frames) {
            out.put((byte) f.type().code()).put((byte) f.flags()).putShort((short) 0).putInt(f.length());
            out.put(f.payload().duplicate());
        }
        return out.array();
    }

    /** The next frame, which must be of type {@code type}. */
    protected Frame expect(FrameChannel ch, FrameType type) throws IOException {
        Frame f = read(ch);
        if (f.type() != type) {
            fail("expected " + type + ", got " + f.type() + " [" + text(f) + "]" + stderr());
        }
        return f;
    }

    /** The process's exit code, within the deadline. */
    protected int exitCode(Process p) throws InterruptedException {
        if (!p.waitFor(deadlineMillis(), TimeUnit.MILLISECONDS)) {
            fail("process " + p.pid() + " did not exit within " + deadlineMillis() + " ms" + stderr());
        }
        return p.exitValue();
    }

    /** A frame's payload as UTF-8 text. */
    protected static String text(Frame f) {
        byte[] b = new byte[f.payload().remaining()];
        f.payload().duplicate().get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Starts a host, checks its HELLO and READY; returns its control channel ({@code out[0]}: the process). */
    protected FrameChannel host(Process[] out, Map<String, String> extra) throws IOException {
        Process p = start("host", extra);
        if (out != null) {
            out[0] = p;
        }
        FrameChannel control = accept();
        List<String> hello = expect(control, FrameType.HELLO).fields();
        assertEquals(List.of(token, "control", "0", "0", String.valueOf(p.pid())), hello.subList(0, Math.min(5, hello.size())),
                "HELLO: token, role, worker id, core id, pid");
        expect(control, FrameType.READY);
        return control;
    }

    /** Asks the host for worker {@code id}; returns its core channels in core order after their HELLOs. */
    protected List<FrameChannel> fork(FrameChannel control, int id, int threads) throws IOException {
        control.writeFields(FrameType.FORK, 0, String.valueOf(id));
        List<FrameChannel> cores = new ArrayList<>();
        List<List<String>> hellos = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            FrameChannel ch = accept();
            hellos.add(expect(ch, FrameType.HELLO).fields());
            cores.add(ch);
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing(i -> Integer.parseInt(hellos.get(i).get(3))));
        List<FrameChannel> sorted = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            List<String> h = hellos.get(order.get(i));
            assertEquals(List.of(token, "core", String.valueOf(id), String.valueOf(i)), h.subList(0, 4),
                    "HELLO of a core: token, role, worker id, core id");
            assertEquals(hellos.get(0).get(4), h.get(4), "all cores of a worker are one process");
            sorted.add(cores.get(order.get(i)));
        }
        return sorted;
    }

    /** One forked worker with one core, of a fresh host. */
    protected FrameChannel oneCore() throws IOException {
        return fork(host(null, Map.of()), 1, 1).getFirst();
    }

    /** The variables of a GET of {@code path}, then {@code more} (name, value …). */
    protected static ByteBuffer vars(String path, String... more) {
        List<String> f = new ArrayList<>(List.of("REQUEST_METHOD", "GET", "PATH_INFO", path, "QUERY_STRING", "",
                "SERVER_NAME", "localhost", "SERVER_PORT", "80", "SERVER_PROTOCOL", "HTTP/1.1", "REQUEST_URI", path));
        f.addAll(List.of(more));
        return ByteBuffer.wrap(Fields.encode(f));
    }

    /** Writes a request with its body inline (REQUEST flag 1, BODY…, BODY(0)) in one write. */
    protected static void request(FrameChannel ch, String path, byte[] body, String... more) throws IOException {
        ch.writeAll(inline(path, body, more));
    }

    /** The frames of a request with its body inline: REQUEST flag 1, BODY (when not empty), BODY(0). */
    protected static List<Frame> inline(String path, byte[] body, String... more) {
        List<Frame> frames = new ArrayList<>();
        frames.add(new Frame(FrameType.REQUEST, Frame.BODY_INLINE, vars(path, more)));
        if (body.length > 0) {
            frames.add(new Frame(FrameType.BODY, 0, ByteBuffer.wrap(body)));
        }
        frames.add(Frame.of(FrameType.BODY));
        return frames;
    }

    /** Reads a response: START's fields, the DATA bytes into {@code body}, up to END; fails on anything else. */
    protected List<String> response(FrameChannel ch, StringBuilder body) throws IOException {
        List<String> start = expect(ch, FrameType.START).fields();
        while (true) {
            Frame f = read(ch);
            switch (f.type()) {
                case DATA -> body.append(text(f));
                case END -> {
                    return start;
                }
                default -> fail("unexpected " + f.type() + " [" + text(f) + "] in a response" + stderr());
            }
        }
    }

    /** The body of a GET of {@code path} (no request body). */
    protected String get(FrameChannel ch, String path, String... more) throws IOException {
        request(ch, path, new byte[0], more);
        StringBuilder body = new StringBuilder();
        response(ch, body);
        return body.toString();
    }
}
