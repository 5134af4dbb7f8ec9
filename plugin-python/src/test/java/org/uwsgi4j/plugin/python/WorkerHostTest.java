package org.uwsgi4j.plugin.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.uwsgi4j.kernel.protocol.Frame;
import org.uwsgi4j.kernel.protocol.FrameType;
import org.uwsgi4j.kernel.worker.FrameChannel;

/**
 * The Python worker host (uwsgi4j_worker.py) against docs/worker-protocol.md: each test plays
 * the kernel with the real codec, on a Unix socket in a temp dir, with real python3 processes.
 * Every wait has a deadline (a watchdog closes the channel), none sleeps.
 */
@Timeout(30)
class WorkerHostTest {

    private static final long DEADLINE_MS = 5_000;
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "worker-host-test-watchdog");
        t.setDaemon(true);
        return t;
    });

    /** The test apps, one callable routed by PATH_INFO. */
    private static final String APPS = """
            # WSGI apps for WorkerHostTest: one callable, routed by PATH_INFO.
            import json
            import os
            import socket

            # Count the worker's sendall() calls: the channels are opened after this import.
            SENDS = [0]
            _sendall = socket.socket.sendall


            def counting_sendall(self, data, *flags):
                SENDS[0] += 1
                return _sendall(self, data, *flags)


            socket.socket.sendall = counting_sendall
            
            
            class Closing:
                # An iterable whose close() is logged through wsgi.errors.
            
                def __init__(self, environ, chunks, fail=False):
                    self.environ, self.chunks, self.fail = environ, chunks, fail
            
                def __iter__(self):
                    for c in self.chunks:
                        yield c
                    if self.fail:
                        raise RuntimeError("late failure")
            
                def close(self):
                    self.environ["wsgi.errors"].write("closed\\n")
            
            
            def application(environ, start_response):
                path = environ["PATH_INFO"]
                text = [("Content-Type", "text/plain")]
                if path == "/hello":
                    start_response("200 OK", text)
                    return [b"Hello World"]
                if path == "/stream":
                    def stream():
                        yield b"first"
                        yield environ["wsgi.input"].read(3)    # blocks until the kernel answers the READ
                        yield b"last"
                    start_response("200 OK", text)
                    return stream()
                if path == "/echo":
                    body = environ["wsgi.input"].read()
                    more = environ["wsgi.input"].read()       # past the end: must not READ again
                    start_response("200 OK", [("Content-Length", str(len(body + more)))])
                    return [body + more]
                if path == "/lines":
                    inp = environ["wsgi.input"]
                    first = inp.readline()
                    part = inp.read(2)
                    rest = list(inp)
                    if inp.read(1) or inp.readline() or inp.read():  # past the end: must not READ again
                        raise AssertionError("read past the end")
                    start_response("200 OK", text)
                    return [json.dumps([first.decode(), part.decode()] + [r.decode() for r in rest]).encode()]
                if path == "/readlines":
                    lines = environ["wsgi.input"].readlines()
                    start_response("200 OK", text)
                    return [json.dumps([x.decode() for x in lines]).encode()]
                if path == "/sends":
                    start_response("200 OK", text)
                    return [str(SENDS[0]).encode()]
                if path == "/chunks":
                    start_response("200 OK", text)
                    return iter([b"a", b"", b"b", b"c"])
                if path == "/raise":
                    return 1 // 0
                if path == "/raise-late":
                    start_response("200 OK", text)
                    return Closing(environ, [b"partial"], fail=True)
                if path == "/close":
                    start_response("200 OK", text)
                    return Closing(environ, [b"a", b"b"])
                if path == "/log":
                    environ["wsgi.errors"].write("hello log\\nsecond ")
                    environ["wsgi.errors"].write("part\\n")
                    start_response("200 OK", text)
                    return [b"logged"]
                if path == "/write":
                    write = start_response("201 Created", text)
                    write(b"written,")
                    return [b"returned"]
                if path == "/exc-info":
                    try:
                        raise ValueError("oops")
                    except ValueError:
                        import sys
                        start_response("200 OK", text)
                        start_response("500 Oops", text, sys.exc_info())
                    return [b"replaced"]
                if path == "/environ":
                    keys = ["wsgi.version", "wsgi.url_scheme", "wsgi.multithread", "wsgi.multiprocess",
                            "wsgi.run_once", "wsgi.input_terminated", "QUERY_STRING", "PATH_INFO", "EMPTY"]
                    start_response("200 OK", [("Content-Type", "application/json"), ("X-Pid", str(os.getpid()))])
                    return [json.dumps({k: environ.get(k) for k in keys}).encode()]
                if path == "/hop":
                    start_response("200 OK", text + [("Connection", "close")])
                    return [b"never"]
                if path == "/crlf":
                    start_response("200 OK", text + [("X-Bad", "a\\r\\nSet-Cookie: x=1")])
                    return [b"never"]
                if path == "/file":
                    f = open(environ["QUERY_STRING"], "rb")
                    f.seek(2)
                    start_response("200 OK", text)
                    return environ["wsgi.file_wrapper"](f)
                if path == "/filelike":
                    import io
                    start_response("200 OK", text)
                    return environ["wsgi.file_wrapper"](io.BytesIO(b"x" * 10000), 4096)
                if path == "/uwsgi":
                    import uwsgi
                    uwsgi.log("via uwsgi.log")
                    values = [uwsgi.worker_id(), uwsgi.numproc, uwsgi.masterpid(), uwsgi.request_id(),
                              uwsgi.version.decode(), sorted(uwsgi.opt), "wsgi.file_wrapper" in environ]
                    start_response("200 OK", text)
                    return [json.dumps(values).encode()]
                if path == "/reload":
                    import uwsgi
                    start_response("200 OK", text)
                    return [str(uwsgi.reload()).encode()]
                if path == "/many":
                    start_response("200 OK", text)
                    return (b"chunk" for _ in range(int(environ["QUERY_STRING"])))
                if path == "/endless":
                    import itertools
                    start_response("200 OK", text)
                    return Closing(environ, itertools.repeat(b"tick"))
                if path == "/endless-empty":
                    import itertools
                    start_response("200 OK", text)
                    return Closing(environ, itertools.chain([b"first"], itertools.repeat(b"")))
                if path == "/write-endless":
                    write = start_response("200 OK", text)
                    try:
                        while True:
                            write(b"w")
                    except OSError as e:
                        environ["wsgi.errors"].write("write() raised %s: %s\\n" % (type(e).__name__, e))
                    return []
                start_response("404 Not Found", text)
                return [b"not found"]
            """;

    @TempDir
    Path dir;
    Path worker;
    Path socketPath;
    ServerSocketChannel server;
    Selector selector;
    final String token = HexFormat.of().formatHex(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    final List<Process> processes = new ArrayList<>();
    final List<FrameChannel> channels = new ArrayList<>();
    /** The socket under each channel, for the tests that look at single reads. */
    final Map<FrameChannel, SocketChannel> sockets = new java.util.IdentityHashMap<>();
    int started;

    @BeforeEach
    void setUp() throws IOException {
        worker = dir.resolve("uwsgi4j_worker.py");
        try (InputStream in = WorkerHostTest.class.getResourceAsStream("uwsgi4j_worker.py")) {
            Files.copy(in, worker);
        }
        Files.writeString(dir.resolve("apps.py"), APPS);
        socketPath = dir.resolve("workers.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        server.configureBlocking(false);
        selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
    }

    @AfterEach
    void tearDown() throws IOException {
        channels.forEach(FrameChannel::close);
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        selector.close();
        server.close();
    }

    @AfterAll
    static void stopWatchdog() {
        WATCHDOG.shutdownNow();
    }

    // ---- the kernel's side -------------------------------------------------------------------

    /** Starts the worker host with the protocol's variables plus {@code extra}. */
    Process start(String role, Map<String, String> extra) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", worker.toString()).directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("UWSGI4J_"));
        env.put("UWSGI4J_SOCKET", socketPath.toString());
        env.put("UWSGI4J_TOKEN", token);
        env.put("UWSGI4J_ROLE", role);
        env.put("UWSGI4J_THREADS", "1");
        env.put("UWSGI4J_PROCESSES", "2");
        env.put("UWSGI4J_WSGI_FILE", dir.resolve("apps.py").toString());
        env.putAll(extra);
        int n = ++started;
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.redirectOutput(dir.resolve("stdout-" + n + ".log").toFile());
        pb.redirectError(dir.resolve("stderr-" + n + ".log").toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    /** What the started processes wrote to stderr so far (for failure messages). */
    String stderr() {
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

    /** The next connection to workers.sock, within the deadline. */
    FrameChannel accept() throws IOException {
        long end = System.nanoTime() + DEADLINE_MS * 1_000_000;
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
                fail("no connection from the worker host within " + DEADLINE_MS + " ms" + stderr());
            }
            selector.select(left);
            selector.selectedKeys().clear();
        }
    }

    /** The next frame on {@code ch}, within the deadline. */
    Frame read(FrameChannel ch) throws IOException {
        ScheduledFuture<?> dog = WATCHDOG.schedule(ch::close, DEADLINE_MS, TimeUnit.MILLISECONDS);
        try {
            return ch.read();
        } catch (AsynchronousCloseException e) {
            return fail("no frame within " + DEADLINE_MS + " ms" + stderr());
        } finally {
            dog.cancel(false);
        }
    }

    /**
     * The frames of one {@code read(2)} on {@code ch}'s socket (what the worker sent in one
     * write, when it is small), within the deadline; read beside {@code ch}, which holds nothing
     * buffered when this is called between requests.
     */
    List<Frame> oneRead(FrameChannel ch) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(64 * 1024).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        ScheduledFuture<?> dog = WATCHDOG.schedule(ch::close, DEADLINE_MS, TimeUnit.MILLISECONDS);
        try {
            sockets.get(ch).read(in);
        } catch (AsynchronousCloseException e) {
            return fail("nothing read within " + DEADLINE_MS + " ms" + stderr());
        } finally {
            dog.cancel(false);
        }
        in.flip();
        List<Frame> frames = new ArrayList<>();
        while (in.remaining() >= FrameChannel.HEADER) {
            FrameType type = FrameType.of(in.get() & 0xff);
            int flags = in.get() & 0xff;
            in.getShort();
            byte[] payload = new byte[in.getInt()];
            in.get(payload);
            frames.add(new Frame(type, flags, ByteBuffer.wrap(payload)));
        }
        assertEquals(0, in.remaining(), "whole frames");
        return frames;
    }

    /** The next frame, which must be of type {@code type}. */
    Frame expect(FrameChannel ch, FrameType type) throws IOException {
        Frame f = read(ch);
        if (f.type() != type) {
            fail("expected " + type + ", got " + f.type() + " [" + text(f) + "]" + stderr());
        }
        return f;
    }

    /** The process's exit code, within the deadline. */
    int exitCode(Process p) throws InterruptedException {
        if (!p.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS)) {
            fail("process " + p.pid() + " did not exit" + stderr());
        }
        return p.exitValue();
    }

    static String text(Frame f) {
        byte[] b = new byte[f.payload().remaining()];
        f.payload().duplicate().get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Starts a host, checks its HELLO and READY; returns its control channel. */
    FrameChannel host(Process[] out, Map<String, String> extra) throws IOException {
        Process p = start("host", extra);
        if (out != null) {
            out[0] = p;
        }
        FrameChannel control = accept();
        Frame hello = expect(control, FrameType.HELLO);
        assertEquals(List.of(token, "control", "0", "0", String.valueOf(p.pid())), hello.fields());
        expect(control, FrameType.READY);
        return control;
    }

    /** Asks the host for worker {@code id}; returns its core channels in core order after their HELLOs. */
    List<FrameChannel> fork(FrameChannel control, int id, int threads) throws IOException {
        control.writeFields(FrameType.FORK, 0, String.valueOf(id));
        List<FrameChannel> cores = new ArrayList<>();
        List<List<String>> hellos = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            FrameChannel ch = accept();
            hellos.add(expect(ch, FrameType.HELLO).fields());
            cores.add(ch);
        }
        List<Integer> order = new ArrayList<>(List.of());
        for (int i = 0; i < threads; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing(i -> Integer.parseInt(hellos.get(i).get(3))));
        List<FrameChannel> sorted = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            List<String> h = hellos.get(order.get(i));
            assertEquals(List.of(token, "core", String.valueOf(id), String.valueOf(i)), h.subList(0, 4));
            assertEquals(hellos.get(0).get(4), h.get(4), "all cores of a worker are one process");
            sorted.add(cores.get(order.get(i)));
        }
        return sorted;
    }

    /** One forked worker with one core, of a fresh host. */
    FrameChannel oneCore() throws IOException {
        return fork(host(null, Map.of()), 1, 1).getFirst();
    }

    static ByteBuffer vars(String path, String... more) {
        List<String> f = new ArrayList<>(List.of("REQUEST_METHOD", "GET", "PATH_INFO", path, "QUERY_STRING", "",
                "SERVER_NAME", "localhost", "SERVER_PORT", "80", "SERVER_PROTOCOL", "HTTP/1.1"));
        f.addAll(List.of(more));
        return ByteBuffer.wrap(org.uwsgi4j.kernel.protocol.Fields.encode(f));
    }

    /** Writes a request with its body inline (REQUEST flag 1, BODY…, BODY(0)) in one write. */
    static void request(FrameChannel ch, String path, byte[] body, String... more) throws IOException {
        List<Frame> frames = new ArrayList<>();
        frames.add(new Frame(FrameType.REQUEST, Frame.BODY_INLINE, vars(path, more)));
        if (body.length > 0) {
            frames.add(new Frame(FrameType.BODY, 0, ByteBuffer.wrap(body)));
        }
        frames.add(Frame.of(FrameType.BODY));
        ch.writeAll(frames);
    }

    /** Reads a response: START's fields, the DATA bytes, up to END; fails on anything else. */
    List<String> response(FrameChannel ch, StringBuilder body) throws IOException {
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

    String get(FrameChannel ch, String path) throws IOException {
        request(ch, path, new byte[0]);
        StringBuilder body = new StringBuilder();
        response(ch, body);
        return body.toString();
    }

    // ---- the tests ---------------------------------------------------------------------------

    @Test
    void hostSaysHelloWithItsTokenAndPidThenReady() throws IOException {
        host(null, Map.of());   // host() checks HELLO's fields (token, role, ids, pid) and READY
    }

    @Test
    void forkedWorkerOpensOneCoreChannelPerThread() throws IOException {
        Process[] host = new Process[1];
        FrameChannel control = host(host, Map.of("UWSGI4J_THREADS", "3"));
        for (FrameChannel core : fork(control, 2, 3)) {   // fork() checks the HELLOs: worker 2, cores 0-2, one pid
            request(core, "/environ", new byte[0]);
            StringBuilder body = new StringBuilder();
            List<String> start = response(core, body);
            assertEquals("X-Pid", start.get(3));
            assertNotEquals(String.valueOf(host[0].pid()), start.get(4), "the worker is a forked child");
            assertTrue(body.toString().contains("\"wsgi.multithread\": true"), body.toString());
        }
    }

    @Test
    void helloAppAnswersStartDataEndInOneWrite() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/hello", new byte[0]);
        List<Frame> frames = oneRead(core);
        Frame start = frames.getFirst();
        assertEquals(FrameType.START, start.type());
        assertEquals(List.of("200 OK", "Content-Type", "text/plain"), start.fields());
        assertEquals(List.of(FrameType.START, FrameType.DATA, FrameType.END), frames.stream().map(Frame::type).toList(),
                "DATA and END came with START");
        Frame data = frames.get(1);
        assertEquals("Hello World", text(data));
        assertEquals("Hello World", get(core, "/hello"), "the channel serves the next request");
    }

    @Test
    void oneSendallPerSimpleResponseAndOnePerStreamedChunk() throws IOException {
        FrameChannel core = oneCore();
        int before = Integer.parseInt(get(core, "/sends"));
        assertEquals("Hello World", get(core, "/hello"));
        assertEquals(before + 2, Integer.parseInt(get(core, "/sends")), "/hello and /sends: one sendall each");
        before += 2;
        assertEquals("abc", get(core, "/chunks"));   // START+a, b, c, END: the empty chunk is not sent
        assertEquals(before + 4 + 1, Integer.parseInt(get(core, "/sends")));
    }

    @Test
    void environHasTheWsgiKeysAndTheRequestVariables() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/environ", new byte[0], "EMPTY", "", "HTTPS", "on");
        StringBuilder body = new StringBuilder();
        response(core, body);
        String json = body.toString();
        for (String expected : List.of("\"wsgi.version\": [1, 0]", "\"wsgi.url_scheme\": \"https\"",
                "\"wsgi.multithread\": false", "\"wsgi.multiprocess\": true", "\"wsgi.run_once\": false",
                "\"wsgi.input_terminated\": true", "\"QUERY_STRING\": \"\"", "\"PATH_INFO\": \"/environ\"",
                "\"EMPTY\": \"\"")) {
            assertTrue(json.contains(expected), expected + " in " + json);
        }
        request(core, "/environ", new byte[0], "UWSGI_SCHEME", "wss", "PATH_INFO", "/environ");
        body.setLength(0);
        response(core, body);
        assertTrue(body.toString().contains("\"wsgi.url_scheme\": \"wss\""), body.toString());
    }

    @Test
    void pathInfoIsLatin1RoundTripped() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/caf\u00c3\u00a9", new byte[0]);   // the UTF-8 bytes of "café", as latin-1 chars
        StringBuilder body = new StringBuilder();
        assertEquals("404 Not Found", response(core, body).getFirst());
        request(core, "/environ", new byte[0], "EMPTY", "caf\u00c3\u00a9");
        body.setLength(0);
        response(core, body);
        assertTrue(body.toString().contains("\"EMPTY\": \"caf\\u00c3\\u00a9\""), body.toString());
    }

    @Test
    void generatorStreamsEachChunkAsItComes() throws IOException {
        FrameChannel core = oneCore();
        core.write(FrameType.REQUEST, 0, vars("/stream"));
        expect(core, FrameType.START);
        assertEquals("first", text(expect(core, FrameType.DATA)), "the first chunk is sent before the generator goes on");
        assertEquals(List.of("65536"), expect(core, FrameType.READ).fields(), "the generator now pulls the body");
        core.write(FrameType.BODY, 0, ByteBuffer.wrap("xyz".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("xyz", text(expect(core, FrameType.DATA)));
        assertEquals("last", text(expect(core, FrameType.DATA)));
        expect(core, FrameType.END);
    }

    @Test
    void inlineBodyIsEchoed() throws IOException {
        FrameChannel core = oneCore();
        byte[] body = new byte[100_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        core.writeAll(List.of(new Frame(FrameType.REQUEST, Frame.BODY_INLINE, vars("/echo")),
                new Frame(FrameType.BODY, 0, ByteBuffer.wrap(body, 0, 60_000)),
                new Frame(FrameType.BODY, 0, ByteBuffer.wrap(body, 60_000, 40_000)), Frame.of(FrameType.BODY)));
        StringBuilder got = new StringBuilder();
        assertEquals(List.of("200 OK", "Content-Length", "100000"), response(core, got));
        assertEquals(new String(body, StandardCharsets.US_ASCII), got.toString());
        assertEquals("Hello World", get(core, "/hello"), "every inline BODY frame was consumed");
    }

    @Test
    void pulledBodyIsReadWithReadsAndNeverPastItsEnd() throws IOException {
        FrameChannel core = oneCore();
        core.write(FrameType.REQUEST, 0, vars("/echo"));
        String[] chunks = {"hello ", "pulled ", "body"};
        for (String c : chunks) {
            int asked = Integer.parseInt(expect(core, FrameType.READ).fields().getFirst());
            assertTrue(asked >= c.length(), "asked " + asked);
            core.write(FrameType.BODY, 0, ByteBuffer.wrap(c.getBytes(StandardCharsets.US_ASCII)));
        }
        expect(core, FrameType.READ);
        core.write(FrameType.BODY, 0);
        StringBuilder got = new StringBuilder();
        assertEquals(List.of("200 OK", "Content-Length", "17"), response(core, got), "no READ after the empty BODY");
        assertEquals("hello pulled body", got.toString());
    }

    @Test
    void readlineReadAndIterationShareOneBodyBothWays() throws IOException {
        FrameChannel core = oneCore();
        byte[] body = "line one\nxyline two\nline three".getBytes(StandardCharsets.US_ASCII);
        String expected = "[\"line one\\n\", \"xy\", \"line two\\n\", \"line three\"]";
        request(core, "/lines", body);
        StringBuilder got = new StringBuilder();
        response(core, got);
        assertEquals(expected, got.toString());

        core.write(FrameType.REQUEST, 0, vars("/lines"));
        int at = 0;
        while (true) {
            int asked = Integer.parseInt(expect(core, FrameType.READ).fields().getFirst());
            int n = Math.min(Math.min(asked, 7), body.length - at);   // small pieces: lines cross BODY frames
            core.write(FrameType.BODY, 0, ByteBuffer.wrap(body, at, n));
            if (n == 0) {
                break;
            }
            at += n;
        }
        got.setLength(0);
        response(core, got);
        assertEquals(expected, got.toString());

        request(core, "/readlines", body);
        got.setLength(0);
        response(core, got);
        assertEquals("[\"line one\\n\", \"xyline two\\n\", \"line three\"]", got.toString());
    }

    @Test
    void anAppExceptionIsAnErrorAndTheWorkerGoesOn() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/raise", new byte[0]);
        List<String> error = expect(core, FrameType.ERROR).fields();
        assertEquals(1, error.size());
        assertTrue(error.getFirst().startsWith("ZeroDivisionError: integer division or modulo by zero (")
                && error.getFirst().endsWith("apps.py line 73)"), error.getFirst());
        assertEquals("Hello World", get(core, "/hello"));
        assertTrue(stderr().contains("Traceback (most recent call last):"), stderr());
    }

    @Test
    void anExceptionAfterStartEndsTheResponseWithErrorAndCloseIsStillCalled() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/raise-late", new byte[0]);
        expect(core, FrameType.START);
        assertEquals("partial", text(expect(core, FrameType.DATA)));
        assertTrue(text(expect(core, FrameType.ERROR)).startsWith("RuntimeError: late failure"));
        assertEquals("closed", text(expect(core, FrameType.LOG)));
        assertEquals("Hello World", get(core, "/hello"));
    }

    @Test
    void closeIsCalledAfterTheResponse() throws IOException {
        FrameChannel core = oneCore();
        assertEquals("ab", get(core, "/close"));
        assertEquals("closed", text(expect(core, FrameType.LOG)));
    }

    /** Reads the rest of a response after GONE: DATA already under way, then END; returns the DATA count. */
    int dataUntilEnd(FrameChannel ch) throws IOException {
        int data = 0;
        for (Frame f = read(ch); f.type() != FrameType.END; f = read(ch)) {
            assertEquals(FrameType.DATA, f.type(), "only DATA under way before END, got [" + text(f) + "]" + stderr());
            data++;
        }
        return data;
    }

    @Test
    void goneStopsAnEndlessIterableWhichIsClosedAndTheCoreServesOn() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/endless", new byte[0]);
        expect(core, FrameType.START);
        assertEquals("tick", text(expect(core, FrameType.DATA)));
        core.write(FrameType.GONE, 0);
        dataUntilEnd(core);   // an endless iterable: END comes only because the worker stopped
        assertEquals("closed", text(expect(core, FrameType.LOG)), "close() was called");
        assertEquals("Hello World", get(core, "/hello"), "the same core serves the next request");
        assertTrue(stderr().contains("OSError: write error\n"), "uWSGI's line for a client gone" + stderr());
        assertFalse(stderr().contains("Traceback"), stderr());
    }

    @Test
    void goneRightAfterTheRequestStopsAtTheFirstChunk() throws IOException {
        FrameChannel core = oneCore();
        // the kernel's order for a client that went away while its request was queued
        core.writeAll(List.of(new Frame(FrameType.REQUEST, Frame.BODY_INLINE, vars("/endless")), Frame.of(FrameType.BODY),
                Frame.of(FrameType.GONE)));
        expect(core, FrameType.START);
        expect(core, FrameType.DATA);
        expect(core, FrameType.END);   // GONE was already buffered: the first look finds it
        assertEquals("closed", text(expect(core, FrameType.LOG)));
        assertEquals("Hello World", get(core, "/hello"));
    }

    @Test
    void goneSeenWhileTheIterableYieldsOnlyEmptyChunksStopsItToo() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/endless-empty", new byte[0]);
        expect(core, FrameType.START);
        assertEquals("first", text(expect(core, FrameType.DATA)));
        core.write(FrameType.GONE, 0);   // no DATA follows: the worker must look at the socket
        expect(core, FrameType.END);
        assertEquals("closed", text(expect(core, FrameType.LOG)));
        assertEquals("Hello World", get(core, "/hello"));
    }

    @Test
    void theWriteCallableRaisesOsErrorOnceTheClientIsGone() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/write-endless", new byte[0]);
        expect(core, FrameType.START);
        assertEquals("w", text(expect(core, FrameType.DATA)));
        core.write(FrameType.GONE, 0);
        Frame f = read(core);
        while (f.type() == FrameType.DATA) {
            f = read(core);
        }
        assertEquals(FrameType.LOG, f.type(), text(f) + stderr());
        assertEquals("write() raised OSError: write error", text(f));
        expect(core, FrameType.END);
        assertEquals("Hello World", get(core, "/hello"));
    }

    @Test
    void goneWhileThePulledBodyIsReadMakesTheReadAnOsError() throws IOException {
        FrameChannel core = oneCore();
        core.write(FrameType.REQUEST, 0, vars("/echo"));
        expect(core, FrameType.READ);
        // the kernel's order when reading the client's body failed: GONE, then the empty BODY
        core.writeAll(List.of(Frame.of(FrameType.GONE), Frame.of(FrameType.BODY)));
        String error = expect(core, FrameType.ERROR).fields().getFirst();
        assertTrue(error.startsWith("OSError: error during read(65536) on wsgi.input"), error + stderr());
        assertEquals("Hello World", get(core, "/hello"));
    }

    @Test
    void aStaleGoneBetweenRequestsIsIgnored() throws IOException {
        FrameChannel core = oneCore();
        assertEquals("Hello World", get(core, "/hello"));
        core.write(FrameType.GONE, 0);   // crossed the END on the wire
        assertEquals("Hello World", get(core, "/hello"));
        assertFalse(stderr().contains("unexpected frame"), stderr());
    }

    @Test
    void wsgiErrorsBecomeLogFramesOneLineEach() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/log", new byte[0]);
        assertEquals("hello log", text(expect(core, FrameType.LOG)));
        assertEquals("second part", text(expect(core, FrameType.LOG)));
        StringBuilder body = new StringBuilder();
        response(core, body);
        assertEquals("logged", body.toString());
    }

    @Test
    void writeCallableAndExcInfo() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/write", new byte[0]);
        StringBuilder body = new StringBuilder();
        assertEquals("201 Created", response(core, body).getFirst());
        assertEquals("written,returned", body.toString());
        request(core, "/exc-info", new byte[0]);
        body.setLength(0);
        assertEquals("500 Oops", response(core, body).getFirst(), "exc_info replaces headers not yet sent");
        assertEquals("replaced", body.toString());
    }

    @Test
    void hopByHopHeadersAndCrLfInHeadersAreAppErrors() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/hop", new byte[0]);
        assertTrue(text(expect(core, FrameType.ERROR)).startsWith("ValueError: hop-by-hop header 'Connection'"), stderr());
        request(core, "/crlf", new byte[0]);
        assertTrue(text(expect(core, FrameType.ERROR)).startsWith("ValueError: CR, LF or NUL"), stderr());
        assertEquals("Hello World", get(core, "/hello"));
    }

    @Test
    void fileWrapperHandsARealFileToTheKernelAndIteratesOtherFileLikes() throws IOException {
        Path file = Files.writeString(dir.resolve("data.bin"), "0123456789");
        FrameChannel core = oneCore();
        request(core, "/file", new byte[0], "QUERY_STRING", file.toString());
        expect(core, FrameType.START);
        assertEquals(List.of(file.toString(), "2", "-1"), expect(core, FrameType.SENDFILE).fields(), "path, position, to the end");
        expect(core, FrameType.END);
        assertEquals("x".repeat(10000), get(core, "/filelike"));
    }

    @Test
    void theUwsgiModuleAndItsReloadCall() throws IOException {
        FrameChannel core = fork(host(null, Map.of("UWSGI4J_OPTIONS", "[[\"master\",\"true\"],[\"socket\",\":1\"]]",
                "UWSGI4J_MASTER_PID", "4242", "UWSGI4J_VERSION", "0.1.0", "UWSGI4J_FILE_WRAPPER", "0")), 3, 1).getFirst();
        request(core, "/uwsgi", new byte[0]);
        assertEquals("via uwsgi.log", text(expect(core, FrameType.LOG)));
        StringBuilder body = new StringBuilder();
        response(core, body);
        assertEquals("[3, 2, 4242, 1, \"0.1.0-uwsgi4j\", [\"master\", \"socket\"], false]", body.toString());
        request(core, "/reload", new byte[0]);
        assertEquals(List.of("reload"), expect(core, FrameType.CALL).fields());
        core.writeFields(FrameType.RESULT, 0, "ok");
        body.setLength(0);
        response(core, body);
        assertEquals("True", body.toString());
    }

    @Test
    void aBrokenAppIsLoadfailWithOneLineAndExit22() throws Exception {
        Files.writeString(dir.resolve("broken.py"), "import os\nnope()\n");
        Process p = start("host", Map.of("UWSGI4J_WSGI_FILE", dir.resolve("broken.py").toString()));
        FrameChannel control = accept();
        assertEquals("control", expect(control, FrameType.HELLO).fields().get(1));
        List<String> reason = expect(control, FrameType.LOADFAIL).fields();
        assertEquals(List.of("NameError: name 'nope' is not defined (" + dir.resolve("broken.py") + " line 2)"), reason);
        assertEquals(22, exitCode(p));
        assertTrue(stderr().contains("Traceback"), stderr());
    }

    @Test
    void aMissingModuleOrCallableIsLoadfail() throws Exception {
        Process p = start("host", Map.of("UWSGI4J_WSGI_FILE", "", "UWSGI4J_MODULE", "no_such_module"));
        FrameChannel control = accept();
        expect(control, FrameType.HELLO);
        assertEquals(List.of("ModuleNotFoundError: No module named 'no_such_module'"),
                expect(control, FrameType.LOADFAIL).fields());
        assertEquals(22, exitCode(p));

        Process q = start("host", Map.of("UWSGI4J_WSGI_FILE", "", "UWSGI4J_MODULE", "apps:nothing"));
        control = accept();
        expect(control, FrameType.HELLO);
        assertEquals(List.of("unable to find \"nothing\" callable in module apps"),
                expect(control, FrameType.LOADFAIL).fields());
        assertEquals(22, exitCode(q));
    }

    @Test
    void moduleWithCallableAndPythonpathLoads() throws IOException {
        Path lib = Files.createDirectories(dir.resolve("lib/pkg"));
        Files.writeString(lib.resolve("__init__.py"), "");
        Files.writeString(lib.resolve("web.py"), """
                def app(environ, start_response):
                    start_response("200 OK", [])
                    return [b"from pkg.web"]
                """);
        FrameChannel control = host(null, Map.of("UWSGI4J_WSGI_FILE", "", "UWSGI4J_MODULE", "pkg.web:app",
                "UWSGI4J_PYTHONPATH", "/nonexistent" + java.io.File.pathSeparator + dir.resolve("lib")));
        assertEquals("from pkg.web", get(fork(control, 1, 1).getFirst(), "/"));
    }

    /** A paste factory and its ini (with logging sections) in the test dir, for --paste. */
    void pasteApp() throws IOException {
        Files.writeString(dir.resolve("pasteapp.py"), """
                import logging


                def make_app(global_conf, greeting="hello", **local):
                    logging.getLogger("pasteapp").info("factory greeting=%s", greeting)

                    def app(environ, start_response):
                        start_response("200 OK", [("Content-Type", "text/plain")])
                        return [("%s from %s" % (greeting, global_conf["__file__"])).encode()]
                    return app


                def broken_factory(global_conf, **local):
                    return 1 // 0
                """);
        Files.writeString(dir.resolve("app.ini"), """
                [app:main]
                paste.app_factory = pasteapp:make_app
                greeting = bonjour

                [app:broken]
                paste.app_factory = pasteapp:broken_factory

                [loggers]
                keys = root

                [handlers]
                keys = console

                [formatters]
                keys = plain

                [logger_root]
                level = INFO
                handlers = console

                [handler_console]
                class = StreamHandler
                args = (sys.stderr,)
                formatter = plain

                [formatter_plain]
                format = PASTELOG %(levelname)s %(message)s
                """);
    }

    @Test
    void pasteLoadsTheAppFromARelativeConfigAndPasteLoggerConfiguresLogging() throws IOException {
        pasteApp();
        FrameChannel control = host(null, Map.of("UWSGI4J_WSGI_FILE", "", "UWSGI4J_PASTE", "config:app.ini",
                "UWSGI4J_PASTE_LOGGER", "1"));
        assertEquals("bonjour from " + dir.resolve("app.ini"), get(fork(control, 1, 1).getFirst(), "/"));
        assertTrue(stderr().contains("Loading paste environment: config:app.ini\n"), stderr());
        assertTrue(stderr().contains("PASTELOG INFO factory greeting=bonjour\n"), stderr());

        FrameChannel quiet = host(null, Map.of("UWSGI4J_WSGI_FILE", "", "UWSGI4J_PASTE", "config:" + dir.resolve("app.ini")));
        assertEquals("bonjour from " + dir.resolve("app.ini"), get(fork(quiet, 1, 1).getFirst(), "/"));
        assertEquals(1, stderr().split("PASTELOG", -1).length - 1, "no logging config without --paste-logger" + stderr());

        // an ini without logging sections: one line, and the app loads anyway (as in uWSGI)
        Files.writeString(dir.resolve("nolog.ini"), "[app:main]\npaste.app_factory = pasteapp:make_app\n");
        FrameChannel nolog = host(null, Map.of("UWSGI4J_WSGI_FILE", "", "UWSGI4J_PASTE", "config:nolog.ini",
                "UWSGI4J_PASTE_LOGGER", "1"));
        assertEquals("hello from " + dir.resolve("nolog.ini"), get(fork(nolog, 1, 1).getFirst(), "/"));
        assertTrue(stderr().contains("--paste-logger: cannot configure logging from " + dir.resolve("nolog.ini")
                + ": no [formatters] section\n"), stderr());
    }

    @Test
    void aPasteConfigThatCannotLoadIsLoadfailWithOneLine() throws Exception {
        pasteApp();
        record Case(String uri, String reason) {
        }
        for (Case c : List.of(
                new Case("config:nope.ini", "no such paste config file: " + dir.resolve("nope.ini")),
                new Case("app.ini", "app.ini is not a PasteDeploy URI (expected config:/path/app.ini)"),
                new Case("config:app.ini#broken",
                        "ZeroDivisionError: integer division or modulo by zero (" + dir.resolve("pasteapp.py") + " line 14)"),
                new Case("config:app.ini#nothing", "LookupError: No section 'nothing' (prefixed by 'app' or 'application' or "
                        + "'composite' or 'composit' or 'pipeline' or 'filter-app') found in config " + dir.resolve("app.ini")))) {
            Process p = start("host", Map.of("UWSGI4J_WSGI_FILE", "", "UWSGI4J_PASTE", c.uri()));
            FrameChannel control = accept();
            expect(control, FrameType.HELLO);
            assertEquals(List.of(c.reason()), expect(control, FrameType.LOADFAIL).fields(), c.uri() + stderr());
            assertEquals(22, exitCode(p));
        }
        String log = stderr();
        assertEquals(1, log.split("Traceback", -1).length - 1, "a traceback only for the factory's own error" + log);
    }

    /** A WSGI app whose /hold request waits inside a function the tracebacker must name. */
    Path heldApp() throws IOException {
        return Files.writeString(dir.resolve("held.py"), """
                def held_in_a_known_function(environ):
                    environ["wsgi.errors"].write("holding\\n")
                    return environ["wsgi.input"].read(1)


                def application(environ, start_response):
                    body = held_in_a_known_function(environ) if environ["PATH_INFO"] == "/hold" else b"idle"
                    start_response("200 OK", [])
                    return [body]
                """);
    }

    /** What the socket at {@code path} sends until it closes. */
    static String readAll(Path path) throws IOException {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return new String(java.nio.channels.Channels.newInputStream(ch).readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void tracebackerDumpsTheAppFramesOfTheRequestInHandAsUwsgiDoes() throws IOException {
        Path app = heldApp();
        Path tb = dir.resolve("tb");
        // a stale socket file from an earlier worker 1 is replaced; a regular file at worker 2's path is not
        ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(dir.resolve("tb1"))).close();
        Files.writeString(dir.resolve("tb2"), "not a socket");
        FrameChannel control = host(null, Map.of("UWSGI4J_WSGI_FILE", app.toString(), "UWSGI4J_PY_TRACEBACKER", tb.toString()));
        FrameChannel core = fork(control, 1, 1).getFirst();
        assertEquals("idle", get(core, "/"));
        String header = "*** uWSGI Python tracebacker output ***\n\n";
        assertEquals(header, readAll(dir.resolve("tb1")), "an idle worker: no app frames");

        core.write(FrameType.REQUEST, 0, vars("/hold"));      // body pulled: the app waits for its BODY
        assertEquals("holding", text(expect(core, FrameType.LOG)));
        expect(core, FrameType.READ);
        String thread = "thread_id = uWSGIWorker1Core0 filename = " + app;
        assertEquals(header
                + thread + " lineno = 7 function = application line = body = held_in_a_known_function(environ) "
                + "if environ[\"PATH_INFO\"] == \"/hold\" else b\"idle\"\n"
                + thread + " lineno = 3 function = held_in_a_known_function line = return environ[\"wsgi.input\"].read(1)\n"
                + "\n", readAll(dir.resolve("tb1")));
        core.write(FrameType.BODY, 0, ByteBuffer.wrap(new byte[] {'x'}));
        StringBuilder body = new StringBuilder();
        response(core, body);
        assertEquals("x", body.toString());
        assertTrue(stderr().contains("python tracebacker for worker 1 available on " + dir.resolve("tb1") + "\n"), stderr());

        assertEquals("idle", get(fork(control, 2, 1).getFirst(), "/"), "worker 2 serves without its tracebacker");
        assertTrue(stderr().contains("python tracebacker for worker 2: cannot listen on " + dir.resolve("tb2")
                + ": it exists and is not a socket\n"), stderr());
        assertEquals("not a socket", Files.readString(dir.resolve("tb2")));
    }

    @Test
    void killedWorkerIsReportedExitedWithSignal9() throws IOException {
        FrameChannel control = host(null, Map.of());
        control.writeFields(FrameType.FORK, 0, "1");
        FrameChannel core = accept();
        long pid = Long.parseLong(expect(core, FrameType.HELLO).fields().get(4));
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        assertEquals(List.of(String.valueOf(pid), "1", "0", "9"), expect(control, FrameType.EXITED).fields());
    }

    @Test
    void stopOnTheCoreChannelEndsTheWorkerWithStatus0() throws IOException {
        FrameChannel control = host(null, Map.of());
        control.writeFields(FrameType.FORK, 0, "4");
        FrameChannel core = accept();
        String pid = expect(core, FrameType.HELLO).fields().get(4);
        assertEquals("Hello World", get(core, "/hello"));
        core.write(FrameType.STOP, 0);
        assertThrows(EOFException.class, () -> read(core), "the worker closes its channel");
        assertEquals(List.of(pid, "4", "0", "0"), expect(control, FrameType.EXITED).fields());
    }

    @Test
    void sigtermFinishesTheRequestInHandAndStopsIdleCoresAtOnce() throws IOException {
        FrameChannel control = host(null, Map.of("UWSGI4J_THREADS", "2"));
        List<FrameChannel> cores = fork(control, 1, 2);
        request(cores.get(1), "/environ", new byte[0]);
        String pid = response(cores.get(1), new StringBuilder()).get(4);
        FrameChannel busy = cores.get(0);
        busy.write(FrameType.REQUEST, 0, vars("/stream"));
        expect(busy, FrameType.START);
        expect(busy, FrameType.DATA);
        expect(busy, FrameType.READ);   // the request is in hand, waiting for its body
        ProcessHandle.of(Long.parseLong(pid)).orElseThrow().destroy();   // SIGTERM
        assertThrows(EOFException.class, () -> read(cores.get(1)), "the idle core stops at once");
        busy.write(FrameType.BODY, 0, ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("abc", text(expect(busy, FrameType.DATA)));
        assertEquals("last", text(expect(busy, FrameType.DATA)));
        expect(busy, FrameType.END);
        assertThrows(EOFException.class, () -> read(busy), "then the busy one stops");
        assertEquals(List.of(pid, "1", "0", "0"), expect(control, FrameType.EXITED).fields());
    }

    @Test
    void stopOnTheControlChannelEndsTheHostOnceItsWorkersHaveGone() throws Exception {
        Process[] host = new Process[1];
        FrameChannel control = host(host, Map.of());
        FrameChannel core = fork(control, 1, 1).getFirst();
        control.write(FrameType.STOP, 0);
        control.writeFields(FrameType.FORK, 0, "2");   // ignored: the host forks no more
        assertEquals("Hello World", get(core, "/hello"), "its worker still serves");
        assertTrue(host[0].isAlive(), "the host waits for its workers");
        core.write(FrameType.STOP, 0);
        assertEquals(List.of("1", "0", "0"), expect(control, FrameType.EXITED).fields().subList(1, 4));
        assertEquals(0, exitCode(host[0]));
        assertThrows(EOFException.class, () -> read(control));
    }

    @Test
    void sigtermToTheHostStopsItsWorkersAndReportsThem() throws Exception {
        Process[] host = new Process[1];
        FrameChannel control = host(host, Map.of());
        FrameChannel core = fork(control, 1, 1).getFirst();
        request(core, "/environ", new byte[0]);
        String pid = response(core, new StringBuilder()).get(4);
        host[0].destroy();   // SIGTERM
        assertEquals(List.of(pid, "1", "0", "0"), expect(control, FrameType.EXITED).fields());
        assertEquals(0, exitCode(host[0]));
    }

    @Test
    void hostExitsAndStopsItsWorkersWhenTheKernelGoes() throws Exception {
        Process[] host = new Process[1];
        FrameChannel control = host(host, Map.of());
        FrameChannel core = fork(control, 1, 1).getFirst();
        control.close();
        assertEquals(0, exitCode(host[0]));
        assertThrows(EOFException.class, () -> read(core), "the worker got SIGTERM and closed its channel");
    }

    @Test
    void lazyWorkerLoadsTheAppItselfAndServes() throws Exception {
        Process p = start("worker", Map.of("UWSGI4J_WORKER_ID", "3", "UWSGI4J_THREADS", "2"));
        List<FrameChannel> cores = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            FrameChannel ch = accept();
            List<String> hello = expect(ch, FrameType.HELLO).fields();
            assertEquals(List.of(token, "core", "3"), hello.subList(0, 3));
            assertEquals(String.valueOf(p.pid()), hello.get(4));
            cores.add(ch);
        }
        for (FrameChannel core : cores) {
            assertEquals("Hello World", get(core, "/hello"));
            core.write(FrameType.STOP, 0);
        }
        assertEquals(0, exitCode(p));
    }

    @Test
    void lazyWorkerThatFailsToLoadSaysLoadfailOnAControlChannel() throws Exception {
        Files.writeString(dir.resolve("bad.py"), "def application(e, s):\n    return [b'x'\n");
        Process p = start("worker", Map.of("UWSGI4J_WORKER_ID", "5", "UWSGI4J_WSGI_FILE", dir.resolve("bad.py").toString()));
        FrameChannel ch = accept();
        assertEquals(List.of(token, "control", "5", "0", String.valueOf(p.pid())), expect(ch, FrameType.HELLO).fields());
        String reason = expect(ch, FrameType.LOADFAIL).fields().getFirst();
        assertTrue(reason.startsWith("SyntaxError: ") && reason.endsWith(dir.resolve("bad.py") + " line 2)"), reason);
        assertEquals(22, exitCode(p));
        // uWSGI's form: the app's file, line and caret, no frames of the host or of importlib
        String err = stderr();
        assertTrue(err.contains("  File \"" + dir.resolve("bad.py") + "\", line 2\n    return [b'x'\n"), err);
        assertFalse(err.contains("uwsgi4j_worker.py") || err.contains("<frozen"), err);
    }

    @Test
    void anErrorInTheAppsModuleIsTracedFromTheAppsFrames() throws Exception {
        Files.writeString(dir.resolve("raises.py"), "import json\n\ndef helper():\n    return json.loads('{')\n\nhelper()\n");
        Process p = start("worker", Map.of("UWSGI4J_WORKER_ID", "1", "UWSGI4J_WSGI_FILE", dir.resolve("raises.py").toString()));
        FrameChannel ch = accept();
        expect(ch, FrameType.HELLO);
        expect(ch, FrameType.LOADFAIL);
        assertEquals(22, exitCode(p));
        String err = stderr();
        int first = err.indexOf("Traceback (most recent call last):\n  File \"" + dir.resolve("raises.py") + "\", line 6, in <module>");
        assertTrue(first >= 0, err);
        assertTrue(err.indexOf("json/decoder.py", first) > 0, "the stdlib frames below the app's stay" + err);
        assertFalse(err.contains("uwsgi4j_worker.py") || err.contains("<frozen"), err);
    }

    @Test
    void aLongStreamedResponseArrivesWholeOnOneChannel() throws IOException {
        FrameChannel core = oneCore();
        int chunks = 200_000;
        request(core, "/many", new byte[0], "QUERY_STRING", String.valueOf(chunks));
        int seen = 0;
        for (Frame f = read(core); f.type() != FrameType.END; f = read(core)) {
            seen += f.type() == FrameType.DATA ? 1 : 0;
        }
        assertEquals(chunks, seen);
    }
}
