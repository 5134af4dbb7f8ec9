package org.uwsgi4j.workertck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.protocol.Frame;
import org.uwsgi4j.kernel.protocol.FrameType;
import org.uwsgi4j.kernel.worker.FrameChannel;

/**
 * The worker protocol's contract (docs/worker-protocol.md, "A host's checklist"): every case a
 * language's worker host must pass, played against the real host process. A host joins with
 * one subclass (its {@link #command}, {@link #fixtureApp} and {@link #brokenApp}) and one
 * fixture app with these endpoints, routed by {@code PATH_INFO}:
 *
 * <table>
 * <caption>The fixture app</caption>
 * <tr><th>path</th><th>what the app does</th></tr>
 * <tr><td>{@code /hello}</td><td>{@code 200 OK}, header {@code Content-Type: text/plain}, body {@code Hello World}; reads no body</td></tr>
 * <tr><td>{@code /echo}</td><td>reads the whole request body, then reads once more (it must get nothing, without a
 *     {@code READ}), and answers {@code 200 OK} with the body</td></tr>
 * <tr><td>{@code /stream}</td><td>{@code 200 OK}, then the chunk {@code first}, then reads 3 bytes of the body and
 *     sends them as a chunk, then the chunk {@code last}; each chunk sent as it is produced</td></tr>
 * <tr><td>{@code /count}</td><td>{@code QUERY_STRING} is a number N: N chunks {@code 0\n}, {@code 1\n} … one after the other</td></tr>
 * <tr><td>{@code /pid}</td><td>body: the pid of the process serving the request, in decimal</td></tr>
 * <tr><td>{@code /log}</td><td>writes {@code hello log\n}, then {@code second } and {@code part\n} (two writes) to
 *     the app's error stream, then answers {@code logged}</td></tr>
 * <tr><td>{@code /stdio-lines}</td><td>{@code QUERY_STRING} is a number N: N lines {@code L<pid> <i> } and 20,000
 *     {@code x}, i from 0, each in two writes (up to the middle, then the rest and the newline) with the language's
 *     ordinary output calls, to stdout for an even i and to stderr for an odd one, reading one byte of the request
 *     body between the two writes; answers {@code written}</td></tr>
 * <tr><td>{@code /raise}</td><td>raises (dies) before it starts the response</td></tr>
 * <tr><td>{@code /raise-late}</td><td>starts the response, sends the chunk {@code partial}, then raises; its
 *     clean-up writes {@code closed\n} to the error stream</td></tr>
 * <tr><td>{@code /close}</td><td>the chunks {@code a} and {@code b}; its clean-up writes {@code closed\n} to the error stream</td></tr>
 * <tr><td>{@code /endless}</td><td>endless chunks {@code tick}; its clean-up writes {@code closed\n} to the error stream</td></tr>
 * <tr><td>{@code /numbered}</td><td>endless chunks {@code 0}, {@code 1}, {@code 2} … (decimal); its clean-up writes
 *     {@code gave N\n} to the error stream, N the number of chunks the app was asked for</td></tr>
 * <tr><td>{@code /sized}</td><td>{@code 200 OK} with {@code Content-Length: 11}, the chunks {@code Hello } and
 *     {@code World} in the language's streamed form (not a one-chunk list: a generator, an object with
 *     {@code getline}, a body with {@code each}); its clean-up writes {@code closed\n} to the error stream. With
 *     {@code QUERY_STRING} {@code more} it would then produce {@code !!} (past the length), with {@code raise} it
 *     raises after {@code World}</td></tr>
 * <tr><td>{@code /sends}</td><td>body: the number of writes the host has made on its channels so far, in decimal</td></tr>
 * <tr><td>{@code /file}</td><td>the file whose path is {@code QUERY_STRING}, whole, as the body in the language's
 *     file-body form (WSGI's {@code wsgi.file_wrapper}, PSGI's filehandle, Rack's {@code to_path}): a {@code SENDFILE}</td></tr>
 * <tr><td>{@code /call}</td><td>makes the call named by {@code QUERY_STRING}, no arguments (the language's
 *     {@code uwsgi} API, which sends {@code CALL}), and answers {@code ok} and the result's values, space-separated
 *     ({@code ok a b}), or {@code error} when the kernel answered {@code error}</td></tr>
 * <tr><td>{@code /signal-register}</td><td>{@code QUERY_STRING} is a number N: registers, with the language's
 *     {@code register_signal} and the target {@code workers}, a handler for signal N that remembers N, and one for
 *     N+1 that raises; answers {@code registered}</td></tr>
 * <tr><td>{@code /signals}</td><td>the signals the first handler ran for, space-separated, in order</td></tr>
 * </table>
 *
 * <p>With {@code KIT_SIGNAL_AT_LOAD=N} in its environment, the fixture app does what
 * {@code /signal-register?N} does while it loads (at import time).
 *
 * "Clean-up" is the language's end of a response: WSGI's iterable {@code close()}, PSGI's
 * body {@code close}, Rack's body {@code close}. The cases run as root too: then the
 * privilege drop from {@code UWSGI4J_UID}/{@code UWSGI4J_GID} is checked as well.
 */
public abstract class WorkerHostContract extends WorkerHostHarness {

    /** The protocol version this kit checks, the sixth field of HELLO. */
    public static final String PROTOCOL_VERSION = "1";

    // ---- start-up: HELLO, READY, LOADFAIL --------------------------------------------------------

    @Test
    void helloCarriesTheTokenRoleIdsPidAndProtocolVersionThenReady() throws IOException {
        Process p = start("host", Map.of());
        FrameChannel control = accept();
        assertEquals(List.of(token, "control", "0", "0", String.valueOf(p.pid()), PROTOCOL_VERSION),
                expect(control, FrameType.HELLO).fields(), "HELLO: token, role, worker id, core id, pid, version");
        expect(control, FrameType.READY);
        control.writeFields(FrameType.FORK, 0, "1");
        FrameChannel core = accept();
        List<String> hello = expect(core, FrameType.HELLO).fields();
        assertEquals(List.of(token, "core", "1", "0"), hello.subList(0, 4));
        assertEquals(PROTOCOL_VERSION, hello.get(5), "every channel's HELLO carries the version");
    }

    @Test
    void anAppThatFailsToLoadIsLoadfailWithOneLineAndExit22() throws Exception {
        Process p = start("host", brokenApp(dir));
        FrameChannel control = accept();
        assertEquals("control", expect(control, FrameType.HELLO).fields().get(1));
        assertOneLine(expect(control, FrameType.LOADFAIL).fields());
        assertEquals(22, exitCode(p), "exit status 22 after LOADFAIL");
    }

    @Test
    void aLazyWorkerThatFailsToLoadSaysLoadfailOnItsOwnControlChannel() throws Exception {
        Map<String, String> env = new java.util.HashMap<>(brokenApp(dir));
        env.put("UWSGI4J_WORKER_ID", "5");
        Process p = start("worker", env);
        FrameChannel ch = accept();
        assertEquals(List.of(token, "control", "5", "0", String.valueOf(p.pid())), expect(ch, FrameType.HELLO).fields().subList(0, 5));
        assertOneLine(expect(ch, FrameType.LOADFAIL).fields());
        assertEquals(22, exitCode(p));
    }

    private void assertOneLine(List<String> reason) {
        assertEquals(1, reason.size(), "LOADFAIL has one field: " + reason);
        String line = reason.getFirst();
        assertFalse(line.isBlank(), "a reason");
        assertFalse(line.contains("\n") || line.contains("\r"), "one line: " + line);
    }

    // ---- workers: FORK, lazy, EXITED --------------------------------------------------------------

    @Test
    void forkOpensOneCoreChannelPerThreadInAChildProcess() throws IOException {
        Process[] host = new Process[1];
        FrameChannel control = host(host, Map.of("UWSGI4J_THREADS", "3"));
        String pid = null;
        for (FrameChannel core : fork(control, 2, 3)) {   // fork() checks the HELLOs: worker 2, cores 0-2, one pid
            String served = get(core, "/pid");
            assertNotEquals(String.valueOf(host[0].pid()), served, "the worker is a forked child");
            assertTrue(pid == null || pid.equals(served), "one process serves every core");
            pid = served;
        }
    }

    @Test
    void aLazyWorkerLoadsTheAppItselfAndOpensItsCores() throws Exception {
        Process p = start("worker", Map.of("UWSGI4J_WORKER_ID", "3", "UWSGI4J_THREADS", "2"));
        List<FrameChannel> cores = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            FrameChannel ch = accept();
            List<String> hello = expect(ch, FrameType.HELLO).fields();
            assertEquals(List.of(token, "core", "3"), hello.subList(0, 3));
            assertEquals(String.valueOf(p.pid()), hello.get(4));
            ids.add(hello.get(3));
            cores.add(ch);
        }
        assertEquals(List.of("0", "1"), ids.stream().sorted().toList(), "core ids 0 and 1");
        for (FrameChannel core : cores) {
            assertEquals(String.valueOf(p.pid()), get(core, "/pid"));
            core.write(FrameType.STOP, 0);
        }
        assertEquals(0, exitCode(p), "a lazy worker exits 0 after STOP on all its cores");
    }

    @Test
    void aKilledWorkerIsExitedWithItsSignal() throws IOException {
        FrameChannel control = host(null, Map.of());
        control.writeFields(FrameType.FORK, 0, "1");
        FrameChannel core = accept();
        long pid = Long.parseLong(expect(core, FrameType.HELLO).fields().get(4));
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        assertEquals(List.of(String.valueOf(pid), "1", "0", "9"), expect(control, FrameType.EXITED).fields(),
                "EXITED: pid, worker id, status 0, signal 9");
    }

    // ---- stopping ---------------------------------------------------------------------------

    @Test
    void stopOnACoreChannelEndsTheWorkerWithStatus0() throws IOException {
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
        String pid = get(cores.get(1), "/pid");
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
    void stopOnTheControlChannelEndsTheHostOnceItsWorkersAreGone() throws Exception {
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
        assertThrows(EOFException.class, () -> read(control), "no worker 2 was forked: nothing more comes");
    }

    @Test
    void sigtermToTheHostStopsItsWorkersAndReportsThem() throws Exception {
        Process[] host = new Process[1];
        FrameChannel control = host(host, Map.of());
        FrameChannel core = fork(control, 1, 1).getFirst();
        String pid = get(core, "/pid");
        host[0].destroy();   // SIGTERM
        assertEquals(List.of(pid, "1", "0", "0"), expect(control, FrameType.EXITED).fields());
        assertEquals(0, exitCode(host[0]));
    }

    @Test
    void theHostStopsItsWorkersAndExitsWhenTheKernelGoes() throws Exception {
        Process[] host = new Process[1];
        FrameChannel control = host(host, Map.of());
        FrameChannel core = fork(control, 1, 1).getFirst();
        control.close();
        assertEquals(0, exitCode(host[0]));
        assertThrows(EOFException.class, () -> read(core), "the worker got SIGTERM and closed its channel");
    }

    // ---- request bodies ---------------------------------------------------------------------

    @Test
    void anInlineBodyIsReadWholeAndEveryBodyFrameConsumed() throws IOException {
        FrameChannel core = oneCore();
        byte[] body = letters(100_000);
        core.writeAll(List.of(new Frame(FrameType.REQUEST, Frame.BODY_INLINE, vars("/echo")),
                new Frame(FrameType.BODY, 0, ByteBuffer.wrap(body, 0, 60_000)),
                new Frame(FrameType.BODY, 0, ByteBuffer.wrap(body, 60_000, 40_000)), Frame.of(FrameType.BODY)));
        StringBuilder got = new StringBuilder();
        assertEquals("200 OK", response(core, got).getFirst());
        assertEquals(new String(body, StandardCharsets.US_ASCII), got.toString());
        assertEquals("Hello World", get(core, "/hello"), "the channel serves the next request");
    }

    @Test
    void anUnreadInlineBodyIsDrainedBeforeTheNextRequest() throws IOException {
        FrameChannel core = oneCore();
        byte[] body = letters(70_000);
        core.writeAll(List.of(new Frame(FrameType.REQUEST, Frame.BODY_INLINE, vars("/hello")),
                new Frame(FrameType.BODY, 0, ByteBuffer.wrap(body, 0, 30_000)),
                new Frame(FrameType.BODY, 0, ByteBuffer.wrap(body, 30_000, 40_000)), Frame.of(FrameType.BODY)));
        StringBuilder got = new StringBuilder();
        response(core, got);
        assertEquals("Hello World", got.toString());
        request(core, "/echo", "next".getBytes(StandardCharsets.US_ASCII));
        got.setLength(0);
        response(core, got);
        assertEquals("next", got.toString(), "the next request's body, not the unread one's");
    }

    @Test
    void aPulledBodyIsReadWithReadsAndNeverPastItsEnd() throws IOException {
        FrameChannel core = oneCore();
        core.write(FrameType.REQUEST, 0, vars("/echo"));
        for (String c : List.of("hello ", "pulled ", "body")) {
            List<String> read = expect(core, FrameType.READ).fields();
            assertEquals(1, read.size(), "READ: the largest number of bytes wanted");
            assertTrue(Integer.parseInt(read.getFirst()) >= c.length(), "asked " + read);
            core.write(FrameType.BODY, 0, ByteBuffer.wrap(c.getBytes(StandardCharsets.US_ASCII)));
        }
        expect(core, FrameType.READ);
        core.write(FrameType.BODY, 0);
        StringBuilder got = new StringBuilder();
        response(core, got);   // a READ after the empty BODY would fail here
        assertEquals("hello pulled body", got.toString());
        assertEquals("Hello World", get(core, "/hello"));
    }

    // ---- responses --------------------------------------------------------------------------

    @Test
    void aStreamedResponseSendsEachChunkAsItComes() throws IOException {
        FrameChannel core = oneCore();
        core.write(FrameType.REQUEST, 0, vars("/stream"));
        assertEquals("200 OK", expect(core, FrameType.START).fields().getFirst());
        assertEquals("first", text(expect(core, FrameType.DATA)), "the first chunk goes before the app goes on");
        expect(core, FrameType.READ);
        core.write(FrameType.BODY, 0, ByteBuffer.wrap("xyz".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("xyz", text(expect(core, FrameType.DATA)));
        assertEquals("last", text(expect(core, FrameType.DATA)));
        expect(core, FrameType.END);
    }

    @Test
    void manyChunksArriveAsDataInOrder() throws IOException {
        FrameChannel core = oneCore();
        int n = 20_000;
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < n; i++) {
            expected.append(i).append('\n');
        }
        assertEquals(expected.toString(), get(core, "/count", "QUERY_STRING", String.valueOf(n)));
    }

    @Test
    void aFileBodyIsSentfileNamingThePath() throws IOException {
        Path file = Files.writeString(dir.resolve("data.bin"), "0123456789");
        FrameChannel core = oneCore();
        request(core, "/file", new byte[0], "QUERY_STRING", file.toString());
        expect(core, FrameType.START);
        List<String> f = expect(core, FrameType.SENDFILE).fields();
        assertEquals(3, f.size(), "SENDFILE: path, offset, length " + f);
        assertEquals(file.toString(), f.get(0));
        assertEquals("0", f.get(1));
        assertTrue(f.get(2).equals("-1") || f.get(2).equals("10"), "to the end: " + f);
        expect(core, FrameType.END);
        assertEquals("Hello World", get(core, "/hello"));
    }

    @Test
    void theErrorStreamBecomesLogFramesOneLineEach() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/log", new byte[0]);
        assertEquals("hello log", text(expect(core, FrameType.LOG)));
        assertEquals("second part", text(expect(core, FrameType.LOG)));
        StringBuilder body = new StringBuilder();
        response(core, body);
        assertEquals("logged", body.toString());
    }

    @Test
    void twoWorkersLongLinesOnStdoutAndStderrNeverInterleave() throws Exception {
        FrameChannel control = host(null, Map.of());
        FrameChannel one = fork(control, 1, 1).getFirst();
        FrameChannel two = fork(control, 2, 1).getFirst();
        for (FrameChannel core : List.of(one, two)) { // the body is pulled: each READ is a worker between two halves
            core.write(FrameType.REQUEST, 0, vars("/stdio-lines", "QUERY_STRING", String.valueOf(LINES)));
        }
        for (int i = 0; i < LINES; i++) {
            expect(one, FrameType.READ);   // both have written the first half of line i …
            expect(two, FrameType.READ);
            one.write(FrameType.BODY, 0, ByteBuffer.wrap(new byte[] {'.'})); // … then both write the rest
            two.write(FrameType.BODY, 0, ByteBuffer.wrap(new byte[] {'.'}));
        }
        for (FrameChannel core : List.of(one, two)) {
            StringBuilder body = new StringBuilder();
            response(core, body);
            assertEquals("written", body.toString());
        }
        for (String stream : List.of("stdout", "stderr")) {
            String out = awaitOutput(stream, text -> text.chars().filter(c -> c == 'x').count() >= (long) LINES * LINE_LENGTH);
            List<String> lines = out.lines().filter(l -> l.startsWith("L") || l.contains("xxxxxxxx")).toList();
            assertEquals(LINES, lines.size(), stream + ": " + LINES + " lines, two workers' halves each");
            for (String line : lines) {
                assertTrue(line.matches("L\\d+ \\d+ x{" + LINE_LENGTH + "}"),
                        stream + ": a whole line, not pieces of two: " + (line.length() > 200 ? line.substring(0, 200) + "…" : line));
            }
            assertEquals(2, lines.stream().map(l -> l.substring(0, l.indexOf(' '))).distinct().count(), "lines of both workers");
        }
    }

    /** Lines /stdio-lines writes per worker, half to stdout and half to stderr, and their length in 'x'. */
    private static final int LINES = 20;
    private static final int LINE_LENGTH = 20_000;

    @Test
    void theCleanUpRunsAfterTheResponse() throws IOException {
        FrameChannel core = oneCore();
        assertEquals("ab", get(core, "/close"));
        assertEquals("closed", text(expect(core, FrameType.LOG)), "a LOG after END, before the next START");
        assertEquals("Hello World", get(core, "/hello"));
    }

    // ---- errors -----------------------------------------------------------------------------

    @Test
    void anExceptionBeforeStartIsOneErrorLineAndTheCoreServesOn() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/raise", new byte[0]);
        List<String> error = expect(core, FrameType.ERROR).fields();
        assertEquals(1, error.size(), "ERROR: one line " + error);
        assertFalse(error.getFirst().isBlank() || error.getFirst().contains("\n"), error.getFirst());
        assertEquals("Hello World", get(core, "/hello"));
    }

    @Test
    void anExceptionAfterStartIsAnErrorAndTheCleanUpStillRuns() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/raise-late", new byte[0]);
        expect(core, FrameType.START);
        assertEquals("partial", text(expect(core, FrameType.DATA)));
        assertEquals(1, expect(core, FrameType.ERROR).fields().size());
        assertEquals("closed", text(expect(core, FrameType.LOG)));
        assertEquals("Hello World", get(core, "/hello"));
    }

    // ---- the client goes away ---------------------------------------------------------------

    /**
     * Reads the rest of a response after GONE, within the deadline: DATA already under way, then
     * END; returns the DATA frames read.
     */
    private List<String> dataUntilEnd(FrameChannel ch) throws IOException {
        long end = System.nanoTime() + deadlineMillis() * 1_000_000;
        List<String> data = new ArrayList<>();
        for (Frame f = read(ch); f.type() != FrameType.END; f = read(ch)) {
            assertEquals(FrameType.DATA, f.type(), "only DATA under way before END, got [" + text(f) + "]" + stderr());
            data.add(text(f));
            if (System.nanoTime() > end) {
                fail("the response goes on " + deadlineMillis() + " ms after GONE" + stderr());
            }
        }
        return data;
    }

    @Test
    void goneStopsAnEndlessResponseRunsTheCleanUpAndTheCoreServesOn() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/endless", new byte[0]);
        expect(core, FrameType.START);
        assertEquals("tick", text(expect(core, FrameType.DATA)));
        core.write(FrameType.GONE, 0);
        dataUntilEnd(core);   // an endless response: END comes only because the host stopped it
        assertEquals("closed", text(expect(core, FrameType.LOG)), "the clean-up ran");
        assertEquals("Hello World", get(core, "/hello"), "the same core serves the next request");
    }

    @Test
    void goneRightAfterTheRequestStopsTheResponse() throws IOException {
        FrameChannel core = oneCore();
        // the kernel's order for a client that went away while its request was queued
        core.writeAll(List.of(new Frame(FrameType.REQUEST, Frame.BODY_INLINE, vars("/endless")), Frame.of(FrameType.BODY),
                Frame.of(FrameType.GONE)));
        expect(core, FrameType.START);
        dataUntilEnd(core);
        assertEquals("closed", text(expect(core, FrameType.LOG)));
        assertEquals("Hello World", get(core, "/hello"));
    }

    @Test
    void goneWhileThePulledBodyIsReadMakesTheReadAnError() throws IOException {
        FrameChannel core = oneCore();
        core.write(FrameType.REQUEST, 0, vars("/echo"));
        expect(core, FrameType.READ);
        // the kernel's order when reading the client's body failed: GONE, then the empty BODY
        core.writeAll(List.of(Frame.of(FrameType.GONE), Frame.of(FrameType.BODY)));
        Frame f = read(core);
        while (f.type() == FrameType.LOG) {
            f = read(core);
        }
        assertEquals(FrameType.ERROR, f.type(), "the read failed, not a short body taken as whole [" + text(f) + "]" + stderr());
        assertEquals("Hello World", get(core, "/hello"));
    }

    /**
     * The chunks an app gives once its host knows of GONE are write errors (uWSGI's count): the
     * chunk during which it learnt of it is the first, up to {@code UWSGI4J_WRITE_ERRORS_TOLERANCE}
     * are dropped and the app goes on, the one past it stops the response. So the app is asked for
     * exactly the tolerance more chunks than were sent, whenever the host looked.
     */
    @Test
    void chunksAfterGoneAreWriteErrorsUpToTheTolerance() throws IOException {
        for (int tolerance : new int[] {0, 3}) {
            Map<String, String> env = tolerance == 0 ? Map.of() : Map.of("UWSGI4J_WRITE_ERRORS_TOLERANCE", String.valueOf(tolerance));
            FrameChannel core = fork(host(null, env), 1, 1).getFirst();
            request(core, "/numbered", new byte[0]);
            expect(core, FrameType.START);
            assertEquals("0", text(expect(core, FrameType.DATA)));
            core.write(FrameType.GONE, 0);
            List<String> sent = new ArrayList<>(List.of("0"));
            sent.addAll(dataUntilEnd(core));
            assertEquals(String.valueOf(sent.size() - 1), sent.getLast(), "the chunks sent are the first ones, in order");
            assertEquals("gave " + (sent.size() + tolerance), text(expect(core, FrameType.LOG)),
                    "tolerance " + tolerance + ": the app gave that many chunks more than the " + sent.size() + " sent");
            assertEquals("Hello World", get(core, "/hello"), "the core serves on");
        }
    }

    @Test
    void aStaleGoneBetweenRequestsIsIgnored() throws IOException {
        FrameChannel core = oneCore();
        assertEquals("Hello World", get(core, "/hello"));
        core.write(FrameType.GONE, 0);   // crossed the END on the wire
        assertEquals("Hello World", get(core, "/hello"));
        assertEquals("ab", get(core, "/close"), "not taken for the next request's GONE");
    }

    /**
     * Item 11 of the checklist: the chunk that completes the response's {@code Content-Length} goes
     * with {@code END} in one write, so the kernel is not woken again for an {@code END} alone;
     * nothing past the length is sent, and an error after it does not turn the response into an
     * {@code ERROR} (the client has it all). The body's clean-up still runs.
     */
    @Test
    void theChunkThatCompletesContentLengthGoesWithEnd() throws IOException {
        FrameChannel core = oneCore();
        for (String query : List.of("plain", "more", "raise")) {
            int before = Integer.parseInt(get(core, "/sends"));
            request(core, "/sized", new byte[0], "QUERY_STRING", query);
            expect(core, FrameType.START);
            assertEquals("Hello ", text(expect(core, FrameType.DATA)), query);
            assertEquals("World", text(expect(core, FrameType.DATA)), query);
            expect(core, FrameType.END);           // not ERROR after "raise", no DATA after "more"
            assertEquals("closed", text(expect(core, FrameType.LOG)), query + ": the clean-up ran");
            // /sends, START with "Hello ", "World" with END (one write: not END alone), the clean-up's LOG
            assertEquals(before + 4, Integer.parseInt(get(core, "/sends")), query);
        }
        assertEquals("Hello World", get(core, "/hello"), "the core serves on");
    }

    // ---- requests written ahead ----------------------------------------------------------------

    @Test
    void offersAnAheadFifoBeforeItsHello() throws IOException {
        List<FrameChannel> cores = new ArrayList<>(fork(host(null, Map.of("UWSGI4J_THREADS", "2")), 1, 2));
        startWithUmask("worker", Map.of("UWSGI4J_WORKER_ID", "3"), "0377");   // 0600 whatever the umask takes away
        FrameChannel lazy = accept();
        assertEquals("core", expect(lazy, FrameType.HELLO).fields().get(1));
        cores.add(lazy);
        for (FrameChannel core : cores) {   // read() opened each one when it read the core's HELLO
            AheadFifo fifo = ahead(core);
            assertNotNull(fifo, "every core (forked, a second thread's, a lazy worker's) offers ahead.<pid>.<core id>"
                    + " before its HELLO" + stderr());
            assertTrue(fifo.wasFifo(), fifo.path() + " is a FIFO, its mode is " + Integer.toOctalString(fifo.mode()));
            assertEquals("600", Integer.toOctalString(fifo.mode() & 07777), fifo.path() + ": mode 0600");
            assertEquals("Hello World", get(core, "/hello"), "the core serves, its FIFO open and empty");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("ahead.")).toList(),
                    "no other ahead.* name: a core's is named by its HELLO's pid and core id, and a control channel offers none");
        }
    }

    @Test
    void aCoreThatCannotMakeItsFifoServesOnTheChannel() throws Exception {
        assumeTrue(isRoot(), "runs as root only: a user that may connect to the socket but not create a file beside it");
        fixtureApp(dir);
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(p -> !p.equals(dir)).toList()) {   // the socket and the app are the user's,
                Files.setAttribute(p, "unix:uid", 65534);                 // the directory stays root's (0755)
                Files.setAttribute(p, "unix:gid", 65534);
            }
        }
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        FrameChannel core = fork(host(null, Map.of("UWSGI4J_UID", "65534", "UWSGI4J_GID", "65534")), 1, 1).getFirst();
        assertNull(ahead(core), "mkfifo failed (EACCES): no FIFO offered");
        assertEquals("Hello World", get(core, "/hello"), "the core serves on its channel");
        assertEquals("Hello World", get(core, "/hello"), "and again: it never looks for a FIFO it does not have");
        assertFalse(stderr().toLowerCase(java.util.Locale.ROOT).contains("ahead"), "no error line about it" + stderr());
    }

    @Test
    void aRequestWrittenAheadIsServedAfterTheOneInHand() throws IOException {
        List<FrameChannel> cores = fork(host(null, Map.of("UWSGI4J_THREADS", "2")), 1, 2);   // each thread's core too
        for (FrameChannel core : cores) {
            for (int round = 1; round <= 2; round++) {   // the host reads the FIFO after every request's END
                core.write(FrameType.REQUEST, 0, vars("/stream"));   // A: in hand until the kit answers its READ
                expect(core, FrameType.START);
                assertEquals("first", text(expect(core, FrameType.DATA)));
                expect(core, FrameType.READ);
                String b = "written ahead " + cores.indexOf(core) + "." + round;
                writeAhead(core, inline("/echo", b.getBytes(StandardCharsets.US_ASCII)));
                core.write(FrameType.BODY, 0, ByteBuffer.wrap("xyz".getBytes(StandardCharsets.US_ASCII)));
                assertEquals("xyz", text(expect(core, FrameType.DATA)));
                assertEquals("last", text(expect(core, FrameType.DATA)));
                expect(core, FrameType.END);
                StringBuilder body = new StringBuilder();
                assertEquals("200 OK", response(core, body).getFirst(), "B's response, with nothing more written on the channel");
                assertEquals(b, body.toString(), "B, from the FIFO, its inline body whole");
                assertEquals(0, ahead(core).takeBack().length, "the host took B out of the FIFO");
            }
            assertEquals("Hello World", get(core, "/hello"), "then the channel serves on");
        }
    }

    @Test
    void aRequestTakenBackIsNotServedFromTheFifo() throws IOException {
        FrameChannel core = oneCore();
        core.write(FrameType.REQUEST, 0, vars("/echo"));   // A, its body pulled: in hand at each READ
        expect(core, FrameType.READ);
        List<Frame> b = inline("/echo", "taken back".getBytes(StandardCharsets.US_ASCII));
        writeAhead(core, b);
        core.write(FrameType.BODY, 0, ByteBuffer.wrap("A's body".getBytes(StandardCharsets.US_ASCII)));
        expect(core, FrameType.READ);   // the host has read a frame since B was in the FIFO: had it looked, B would be gone
        assertArrayEquals(encode(b), ahead(core).takeBack(), "the host leaves the FIFO alone while a request is in hand");
        core.write(FrameType.BODY, 0);
        StringBuilder body = new StringBuilder();
        response(core, body);
        assertEquals("A's body", body.toString());
        assertEquals("Hello World", get(core, "/hello"), "the host found nothing and waited on the channel: C, not B");
        assertEquals(0, ahead(core).takeBack().length, "nothing came back into the FIFO");
    }

    @Test
    void aRequestOnTheChannelBeforeTheFifoIsServedFirst() throws IOException {
        FrameChannel core = oneCore();
        core.write(FrameType.REQUEST, 0, vars("/echo"));   // A, its body pulled: in hand at each READ
        expect(core, FrameType.READ);
        core.write(FrameType.BODY, 0, ByteBuffer.wrap("A's body".getBytes(StandardCharsets.US_ASCII)));
        expect(core, FrameType.READ);
        // as when the kernel took B back out of the FIFO, sent it on the channel, and wrote C ahead
        // while B was in hand: at A's END the host finds C in the FIFO and B before it on the channel
        writeAhead(core, inline("/echo", "C".getBytes(StandardCharsets.US_ASCII)));
        List<Frame> frames = new ArrayList<>(List.of(Frame.of(FrameType.BODY)));   // A's body ends, B follows
        frames.addAll(inline("/count", new byte[0], "QUERY_STRING", "1000"));
        core.writeAll(frames);
        StringBuilder body = new StringBuilder();
        response(core, body);
        assertEquals("A's body", body.toString());
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            expected.append(i).append('\n');
        }
        body.setLength(0);
        response(core, body);   // a host that put C behind B in its buffer meets C's REQUEST while B streams
        assertEquals(expected.toString(), body.toString(), "B, from the channel, first and whole");
        body.setLength(0);
        response(core, body);
        assertEquals("C", body.toString(), "then C, from the FIFO, after B's END");
        assertEquals(0, ahead(core).takeBack().length, "the host took C");
        assertEquals("Hello World", get(core, "/hello"));
    }

    @Test
    void aStaleGoneBufferedBeforeTheFifoIsStillStale() throws IOException {
        FrameChannel core = oneCore();
        core.write(FrameType.REQUEST, 0, vars("/echo"));   // A, its body pulled: in hand at each READ
        expect(core, FrameType.READ);
        core.write(FrameType.BODY, 0, ByteBuffer.wrap("a body".getBytes(StandardCharsets.US_ASCII)));
        expect(core, FrameType.READ);
        writeAhead(core, inline("/count", new byte[0], "QUERY_STRING", "1000"));
        // the body's end and a GONE in one write: A's one-chunk answer ends without reading further, so
        // the GONE is still buffered when the host takes B out of the FIFO, and must stay before it
        core.writeAll(List.of(Frame.of(FrameType.BODY), Frame.of(FrameType.GONE)));
        for (Frame f = read(core); f.type() != FrameType.END && f.type() != FrameType.ERROR; f = read(core)) {
            assertTrue(List.of(FrameType.START, FrameType.DATA, FrameType.LOG).contains(f.type()), "A's response: " + f.type());
        }
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            expected.append(i).append('\n');
        }
        StringBuilder body = new StringBuilder();
        response(core, body);
        assertEquals(expected.toString(), body.toString(), "B served whole: the GONE read before it was stale, not B's");
        assertEquals("Hello World", get(core, "/hello"));
    }

    // ---- CALL / RESULT ----------------------------------------------------------------------

    @Test
    void aCallWaitsForTheKernelsResult() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/call", new byte[0], "QUERY_STRING", "reload");
        assertEquals(List.of("reload"), expect(core, FrameType.CALL).fields());
        core.writeFields(FrameType.RESULT, 0, "ok");
        StringBuilder body = new StringBuilder();
        response(core, body);
        assertEquals("ok", body.toString().strip());

        request(core, "/call", new byte[0], "QUERY_STRING", "kit.echo");
        assertEquals(List.of("kit.echo"), expect(core, FrameType.CALL).fields());
        core.writeFields(FrameType.RESULT, 0, "ok", "a", "b");
        body.setLength(0);
        response(core, body);
        assertEquals("ok a b", body.toString());

        request(core, "/call", new byte[0], "QUERY_STRING", "no.such.call");
        expect(core, FrameType.CALL);
        core.writeFields(FrameType.RESULT, 0, "error", "unknown call no.such.call");
        body.setLength(0);
        response(core, body);
        assertEquals("error", body.toString());
    }

    // ---- signals ----------------------------------------------------------------------------

    @Test
    void aSignalRunsItsHandlerBetweenRequestsAndAFailingOneIsAnError() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/signal-register", new byte[0], "QUERY_STRING", "17");
        assertEquals(List.of("register_signal", "17", "workers"), expect(core, FrameType.CALL).fields());
        core.writeFields(FrameType.RESULT, 0, "ok");
        assertEquals(List.of("register_signal", "18", "workers"), expect(core, FrameType.CALL).fields());
        core.writeFields(FrameType.RESULT, 0, "ok");
        StringBuilder body = new StringBuilder();
        response(core, body);
        assertEquals("registered", body.toString());

        core.writeFields(FrameType.SIGNAL, 0, "17");
        expect(core, FrameType.END);
        core.writeFields(FrameType.SIGNAL, 0, "18");
        assertEquals(1, expect(core, FrameType.ERROR).fields().size(), "a handler that raises: ERROR with one line");
        core.writeFields(FrameType.SIGNAL, 0, "99");
        assertEquals(1, expect(core, FrameType.ERROR).fields().size(), "no handler for the signal: ERROR with one line");
        core.writeFields(FrameType.SIGNAL, 0, "17");
        expect(core, FrameType.END);
        assertEquals("17 17", get(core, "/signals"), "the handler ran once per SIGNAL, and the core serves on");
    }

    @Test
    void aHandlerRegisteredWhileTheAppLoadsIsInheritedByEveryWorker() throws IOException {
        start("host", Map.of("KIT_SIGNAL_AT_LOAD", "40"));
        FrameChannel control = accept();
        expect(control, FrameType.HELLO);
        assertEquals(List.of("register_signal", "40", "workers"), expect(control, FrameType.CALL).fields(),
                "registered at load time, on the control channel");
        control.writeFields(FrameType.RESULT, 0, "ok");
        expect(control, FrameType.CALL);
        control.writeFields(FrameType.RESULT, 0, "ok");
        expect(control, FrameType.READY);
        FrameChannel first = fork(control, 1, 1).getFirst();
        FrameChannel second = fork(control, 2, 1).getFirst();
        for (FrameChannel core : List.of(first, second)) {
            core.writeFields(FrameType.SIGNAL, 0, "40");
            expect(core, FrameType.END);
            assertEquals("40", get(core, "/signals"), "each worker ran its inherited handler once");
        }
    }

    @Test
    void aHandlerRegisteredInOneWorkerIsNotInAnother() throws IOException {
        FrameChannel control = host(null, Map.of());
        FrameChannel first = fork(control, 1, 1).getFirst();
        FrameChannel second = fork(control, 2, 1).getFirst();
        request(first, "/signal-register", new byte[0], "QUERY_STRING", "30");
        expect(first, FrameType.CALL);
        first.writeFields(FrameType.RESULT, 0, "ok");
        expect(first, FrameType.CALL);
        first.writeFields(FrameType.RESULT, 0, "ok");
        response(first, new StringBuilder());
        second.writeFields(FrameType.SIGNAL, 0, "30");
        expect(second, FrameType.ERROR);
        first.writeFields(FrameType.SIGNAL, 0, "30");
        expect(first, FrameType.END);
        assertEquals("30", get(first, "/signals"));
        assertEquals("", get(second, "/signals"));
    }

    // ---- privileges -------------------------------------------------------------------------

    @Test
    void theHostAndItsWorkersBecomeUwsgi4jUidAndGid() throws Exception {
        assumeTrue(isRoot(), "runs as root only");
        fixtureApp(dir);
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                Files.setAttribute(p, "unix:uid", 65534);
                Files.setAttribute(p, "unix:gid", 65534);
            }
        }
        Process[] host = new Process[1];
        FrameChannel control = host(host, Map.of("UWSGI4J_UID", "65534", "UWSGI4J_GID", "65534"));
        String workerPid = get(fork(control, 1, 1).getFirst(), "/pid");
        for (String pid : List.of(String.valueOf(host[0].pid()), workerPid)) {
            String status = Files.readString(Path.of("/proc", pid, "status"));
            assertTrue(status.contains("\nUid:\t65534\t65534\t65534\t65534\n"), status);
            assertTrue(status.contains("\nGid:\t65534\t65534\t65534\t65534\n"), status);
            String groups = status.lines().filter(l -> l.startsWith("Groups:")).findFirst().orElseThrow();
            assertFalse(List.of(groups.substring(7).trim().split("\\s+")).contains("0"), "root's groups are gone: " + groups);
        }
    }

    private static boolean isRoot() throws IOException {
        return ProcessHandle.current().info().user().orElse("").equals("root")
                || Files.readString(Path.of("/proc/self/status")).contains("\nUid:\t0\t");
    }

    private static byte[] letters(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }
}
