package org.uwsgi4j.plugin.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.protocol.Frame;
import org.uwsgi4j.kernel.protocol.FrameType;
import org.uwsgi4j.kernel.worker.FrameChannel;
import org.uwsgi4j.workertck.WorkerHostHarness;

/**
 * The Python worker host (uwsgi4j_worker.py): what docs/worker-protocol.md leaves to each
 * language (WSGI's environ, wsgi.input's line reads, the write callable, exc_info, file
 * wrappers, the uwsgi module, tracebacks, paste, the tracebacker). The protocol's own cases are
 * the worker host kit's ({@link PythonHostKitTest}); both play the kernel with the kit's harness.
 */
class WorkerHostTest extends WorkerHostHarness {

    @Override
    protected List<String> command(Path dir) throws IOException {
        return PythonHost.command(dir);
    }

    @Override
    protected Map<String, String> fixtureApp(Path dir) throws IOException {
        return PythonHost.fixtureApp(dir);
    }

    @Override
    protected Map<String, String> brokenApp(Path dir) throws IOException {
        return PythonHost.brokenApp(dir);
    }

    /**
     * The frames of one {@code read(2)} on {@code ch}'s socket (what the worker sent in one
     * write, when it is small), within the deadline; read beside {@code ch}, which holds nothing
     * buffered when this is called between requests.
     */
    List<Frame> oneRead(FrameChannel ch) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(64 * 1024).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        ScheduledFuture<?> dog = watchdog(ch);
        try {
            socketOf(ch).read(in);
        } catch (AsynchronousCloseException e) {
            return fail("nothing read within " + deadlineMillis() + " ms" + stderr());
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

    /**
     * After the chunk that completes the response's Content-Length went with END (the kit's
     * {@code theChunkThatCompletesContentLengthGoesWithEnd}), the iterable still runs to its end: its
     * code after the last yield runs, a chunk past the length ends the iteration, and an exception
     * raised then is logged.
     */
    @Test
    void theIterableStillRunsToItsEndAfterTheChunkThatCompletesContentLength() throws Exception {
        FrameChannel core = oneCore();
        for (String query : List.of("plain", "more", "raise")) {
            request(core, "/sized", new byte[0], "QUERY_STRING", query);
            StringBuilder body = new StringBuilder();
            response(core, body);
            assertEquals("Hello World", body.toString(), query);
            expect(core, FrameType.LOG);           // the clean-up's "closed"
        }
        assertEquals("plain,more,raise", get(core, "/after"),
                "the code after each last yield ran; a chunk past Content-Length ended the iteration");
        String log = awaitOutput("stderr", text -> text.contains("RuntimeError: after the last chunk"));
        assertTrue(log.contains("Traceback"), log);
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
    void anAppExceptionIsAnErrorAndTheWorkerGoesOn() throws Exception {
        FrameChannel core = oneCore();
        request(core, "/raise", new byte[0]);
        List<String> error = expect(core, FrameType.ERROR).fields();
        assertEquals(1, error.size());
        assertTrue(error.getFirst().startsWith("ZeroDivisionError: integer division or modulo by zero (")
                && error.getFirst().endsWith("apps.py line 75)"), error.getFirst());
        assertEquals("Hello World", get(core, "/hello"));
        awaitOutput("stderr", text -> text.contains("Traceback (most recent call last):"));   // copied on a thread: awaited
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
    void goneStopsAnEndlessIterableWhichIsClosedAndTheCoreServesOn() throws Exception {
        FrameChannel core = oneCore();
        request(core, "/endless", new byte[0]);
        expect(core, FrameType.START);
        assertEquals("tick", text(expect(core, FrameType.DATA)));
        core.write(FrameType.GONE, 0);
        dataUntilEnd(core);   // an endless iterable: END comes only because the worker stopped
        assertEquals("closed", text(expect(core, FrameType.LOG)), "close() was called");
        assertEquals("Hello World", get(core, "/hello"), "the same core serves the next request");
        // uWSGI's line for a client gone (the worker's stderr is copied on a thread: awaited), no traceback before it
        String log = awaitOutput("stderr", text -> text.contains("OSError: write error\n"));
        assertFalse(log.contains("Traceback"), log);
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
        request(core, "/file-at-2", new byte[0], "QUERY_STRING", file.toString());
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
        awaitOutput("stderr", text -> text.contains("Traceback"));   // copied on a thread: awaited
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
    void pasteLoadsTheAppFromARelativeConfigAndPasteLoggerConfiguresLogging() throws Exception {
        pasteApp();
        FrameChannel control = host(null, Map.of("UWSGI4J_WSGI_FILE", "", "UWSGI4J_PASTE", "config:app.ini",
                "UWSGI4J_PASTE_LOGGER", "1"));
        assertEquals("bonjour from " + dir.resolve("app.ini"), get(fork(control, 1, 1).getFirst(), "/"));
        // the hosts' stderr is copied by threads of the harness: awaited, not read at once
        awaitOutput("stderr", text -> text.contains("Loading paste environment: config:app.ini\n")
                && text.contains("PASTELOG INFO factory greeting=bonjour\n"));

        FrameChannel quiet = host(null, Map.of("UWSGI4J_WSGI_FILE", "", "UWSGI4J_PASTE", "config:" + dir.resolve("app.ini")));
        assertEquals("bonjour from " + dir.resolve("app.ini"), get(fork(quiet, 1, 1).getFirst(), "/"));
        awaitOutput("stderr", text -> text.contains("Loading paste environment: config:" + dir.resolve("app.ini") + "\n"));

        // an ini without logging sections: one line, and the app loads anyway (as in uWSGI)
        Files.writeString(dir.resolve("nolog.ini"), "[app:main]\npaste.app_factory = pasteapp:make_app\n");
        FrameChannel nolog = host(null, Map.of("UWSGI4J_WSGI_FILE", "", "UWSGI4J_PASTE", "config:nolog.ini",
                "UWSGI4J_PASTE_LOGGER", "1"));
        assertEquals("hello from " + dir.resolve("nolog.ini"), get(fork(nolog, 1, 1).getFirst(), "/"));
        String log = awaitOutput("stderr", text -> text.contains("--paste-logger: cannot configure logging from "
                + dir.resolve("nolog.ini") + ": no [formatters] section\n"));
        // the quiet host logged (had it logged) before its READY, long before the third host's line
        assertEquals(1, log.split("PASTELOG", -1).length - 1, "no logging config without --paste-logger" + log);
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
        // every host exited; their stderr is copied by threads of the harness: awaited, not read at once
        String log = awaitOutput("stderr", text -> text.contains("ZeroDivisionError")
                && text.split("Loading paste environment: ", -1).length - 1 == 4);
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
    void tracebackerDumpsTheAppFramesOfTheRequestInHandAsUwsgiDoes() throws Exception {
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
        awaitOutput("stderr", text -> text.contains("python tracebacker for worker 1 available on " + dir.resolve("tb1") + "\n"));

        assertEquals("idle", get(fork(control, 2, 1).getFirst(), "/"), "worker 2 serves without its tracebacker");
        awaitOutput("stderr", text -> text.contains("python tracebacker for worker 2: cannot listen on " + dir.resolve("tb2")
                + ": it exists and is not a socket\n"));
        assertEquals("not a socket", Files.readString(dir.resolve("tb2")));
    }

    @Test
    void lazyWorkerThatFailsToLoadSaysLoadfailOnAControlChannel() throws Exception {
        Files.writeString(dir.resolve("bad.py"), "def application(e, s):\n    return [b'x'\n");
        Process p = start("worker", Map.of("UWSGI4J_WORKER_ID", "5", "UWSGI4J_WSGI_FILE", dir.resolve("bad.py").toString()));
        FrameChannel ch = accept();
        assertEquals(List.of(token, "control", "5", "0", String.valueOf(p.pid())), expect(ch, FrameType.HELLO).fields().subList(0, 5));
        String reason = expect(ch, FrameType.LOADFAIL).fields().getFirst();
        assertTrue(reason.startsWith("SyntaxError: ") && reason.endsWith(dir.resolve("bad.py") + " line 2)"), reason);
        assertEquals(22, exitCode(p));
        // uWSGI's form: the app's file, line and caret, no frames of the host or of importlib; the
        // worker's stderr is copied by a thread of the harness: awaited, not read at once
        String err = awaitOutput("stderr", text -> text.contains("  File \"" + dir.resolve("bad.py") + "\", line 2\n    return [b'x'\n"));
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
        String err = awaitOutput("stderr", text -> text.contains("Traceback (most recent call last):\n  File \""
                + dir.resolve("raises.py") + "\", line 6, in <module>") && text.contains("JSONDecodeError"));
        int first = err.indexOf("Traceback (most recent call last):\n  File \"" + dir.resolve("raises.py") + "\", line 6, in <module>");
        assertTrue(err.indexOf("json/decoder.py", first) > 0, "the stdlib frames below the app's stay" + err);
        assertFalse(err.contains("uwsgi4j_worker.py") || err.contains("<frozen"), err);
    }
}
