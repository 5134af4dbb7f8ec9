package org.uwsgi4j.plugin.rack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.protocol.Fields;
import org.uwsgi4j.kernel.protocol.Frame;
import org.uwsgi4j.kernel.protocol.FrameType;
import org.uwsgi4j.kernel.worker.FrameChannel;
import org.uwsgi4j.workertck.WorkerHostHarness;

/**
 * The Ruby worker host (uwsgi4j_worker.rb): what docs/worker-protocol.md leaves to each language
 * (the Rack env, rack.input's line reads and rewind, headers with newlines, the status line,
 * --ruby-gc-freq, the UWSGI module, calls while the app loads, load failures). The protocol's
 * own cases are the worker host kit's ({@link RackHostKitTest}).
 */
class RackHostTest extends WorkerHostHarness {

    @Override
    protected List<String> command(Path dir) throws IOException {
        return RubyHost.command(dir);
    }

    @Override
    protected Map<String, String> fixtureApp(Path dir) throws IOException {
        return RubyHost.fixtureApp(dir);
    }

    @Override
    protected Map<String, String> brokenApp(Path dir) throws IOException {
        return RubyHost.brokenApp(dir);
    }

    /** A core of a fresh host started with {@code env} added. */
    private FrameChannel coreWith(Map<String, String> env) throws IOException {
        return fork(host(null, env), 1, 1).getFirst();
    }

    @Test
    void theEnvFollowsTheRackSpec() throws IOException {
        FrameChannel core = coreWith(Map.of("UWSGI4J_PROCESSES", "4"));
        // what nginx's uwsgi_params may send: no SCRIPT_NAME, an empty CONTENT_LENGTH, HTTP_CONTENT_*
        core.writeAll(List.of(new Frame(FrameType.REQUEST, Frame.BODY_INLINE, ByteBuffer.wrap(Fields.encode(List.of(
                "REQUEST_METHOD", "GET", "PATH_INFO", "/env", "SERVER_PROTOCOL", "HTTP/1.1", "CONTENT_LENGTH", "",
                "EMPTY", "", "HTTP_CONTENT_TYPE", "text/plain", "HTTP_CONTENT_LENGTH", "0", "HTTPS", "on")))),
                Frame.of(FrameType.BODY)));
        StringBuilder body = new StringBuilder();
        response(core, body);
        String json = body.toString();
        for (String expected : List.of("\"rack.version\":[1,3]", "\"rack.url_scheme\":\"https\"", "\"rack.multithread\":false",
                "\"rack.multiprocess\":true", "\"rack.run_once\":false", "\"rack.hijack?\":false", "\"QUERY_STRING\":\"\"",
                "\"PATH_INFO\":\"/env\"", "\"SCRIPT_NAME\":\"\"", "\"SERVER_PORT\":\"80\"", "\"EMPTY\":null",
                "\"CONTENT_LENGTH\":null", "\"input\":[\"StringIO\",\"ASCII-8BIT\"]")) {
            assertTrue(json.contains(expected), expected + " in " + json);
        }
        assertFalse(json.contains("HTTP_CONTENT_TYPE") || json.contains("HTTP_CONTENT_LENGTH"), json);
        assertFalse(json.contains("\"SERVER_NAME\":\"\"") || json.contains("\"SERVER_NAME\":null"), "a SERVER_NAME: " + json);
    }

    /**
     * After the chunk that completes the response's Content-Length went with END (the kit's
     * {@code theChunkThatCompletesContentLengthGoesWithEnd}), the body still runs to its end: its
     * code after the last chunk runs, a chunk past the length ends the iteration, and an exception
     * raised then is logged.
     */
    @Test
    void theBodyStillRunsToItsEndAfterTheChunkThatCompletesContentLength() throws Exception {
        FrameChannel core = oneCore();
        for (String query : List.of("plain", "more", "raise")) {
            request(core, "/sized", new byte[0], "QUERY_STRING", query);
            StringBuilder body = new StringBuilder();
            response(core, body);
            assertEquals("Hello World", body.toString(), query);
            expect(core, FrameType.LOG);           // the clean-up's "closed"
        }
        assertEquals("plain,more,raise", get(core, "/after"),
                "the code after each last chunk ran; a chunk past Content-Length ended the iteration");
        String log = awaitOutput("stderr", text -> text.contains("after the last chunk"));
        assertTrue(log.contains("RuntimeError"), log);
    }

    @Test
    void aPulledBodyIsReadByLinesAndRewound() throws IOException {
        FrameChannel core = oneCore();
        core.write(FrameType.REQUEST, 0, vars("/lines"));
        for (String chunk : List.of("one\ntw", "o\nthree\n", "four")) {
            expect(core, FrameType.READ);
            core.write(FrameType.BODY, 0, ByteBuffer.wrap(chunk.getBytes(StandardCharsets.US_ASCII)));
        }
        expect(core, FrameType.READ);
        core.write(FrameType.BODY, 0);
        StringBuilder body = new StringBuilder();
        response(core, body); // a READ after the end would fail here
        assertEquals("[\"one\\n\",\"tw\",\"o\\n\",\"three\\n\",\"four\",\"one\\ntwo\\nthree\\nfour\"]", body.toString());
        assertEquals("Hello World", get(core, "/hello"));
    }

    @Test
    void aRequestWithoutABodyGetsAnEmptyInputAgainAfterAnAppMovedReencodedOrClosedIt() throws IOException {
        FrameChannel core = oneCore();
        assertEquals("open|0|0|ASCII-8BIT", get(core, "/input-state"));
        for (String spoil : List.of("seek", "encoding", "close")) {
            assertEquals("spoilt", get(core, "/input-spoil", "QUERY_STRING", spoil));
            assertEquals("open|0|0|ASCII-8BIT", get(core, "/input-state"), "after " + spoil);
        }
    }

    @Test
    void aHeaderValueWithNewlinesIsRepeatedHeaders() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/cookies", new byte[0]);
        List<String> start = response(core, new StringBuilder());
        assertEquals(List.of("200 OK", "Content-Type", "text/plain", "Set-Cookie", "a=1", "Set-Cookie", "b=2"), start);
    }

    @Test
    void hopByHopHeadersGoToTheKernelWhichReplacesThem() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/chunked", new byte[0]);
        List<String> start = response(core, new StringBuilder());
        assertTrue(start.contains("Transfer-Encoding"), "Rack allows it; the kernel frames the response itself: " + start);
    }

    @Test
    void theStatusLineHasTheReasonOfTheCode() throws IOException {
        FrameChannel core = oneCore();
        request(core, "/status", new byte[0], "QUERY_STRING", "404");
        assertEquals("404 Not Found", response(core, new StringBuilder()).getFirst());
        request(core, "/status", new byte[0], "QUERY_STRING", "299");
        assertEquals("299 Unknown", response(core, new StringBuilder()).getFirst());
    }

    /** The GC.start calls the host made before each of {@code n} requests, as /gc counts them. */
    private List<Integer> gcStarts(Map<String, String> env, int n) throws IOException {
        FrameChannel core = coreWith(env);
        List<Integer> starts = new ArrayList<>();
        int lastCount = -1;
        for (int i = 0; i < n; i++) {
            String[] seen = get(core, "/gc").split(" ");
            starts.add(Integer.parseInt(seen[0]));
            int count = Integer.parseInt(seen[1]);
            assertTrue(count >= lastCount, "GC.count never goes back");
            lastCount = count;
        }
        return starts;
    }

    @Test
    void withoutRubyGcFreqRubysOwnGcDecides() throws IOException {
        assertEquals(List.of(0, 0, 0, 0), gcStarts(Map.of(), 4));
    }

    @Test
    void rubyGcFreq1IsAFullGcAfterEveryRequestAsInUwsgi() throws IOException {
        assertEquals(List.of(0, 1, 2, 3), gcStarts(Map.of("UWSGI4J_GC_FREQ", "1"), 4));
    }

    @Test
    void rubyGcFreqNIsAFullGcEveryNRequestsInUwsgisOrder() throws IOException {
        // uWSGI: GC when cycles % N == 0, then cycles + 1: after requests 1, 4, 7 …
        assertEquals(List.of(0, 1, 1, 1, 2, 2), gcStarts(Map.of("UWSGI4J_GC_FREQ", "3"), 6));
    }

    @Test
    void theUwsgiModuleKnowsTheWorkerAndLogs() throws IOException {
        Map<String, String> env = new HashMap<>();
        env.put("UWSGI4J_PROCESSES", "3");
        env.put("UWSGI4J_MASTER_PID", "4242");
        env.put("UWSGI4J_VERSION", "0.1.0");
        env.put("UWSGI4J_OPTIONS", "[[\"rack\",\"config.ru\"],[\"master\",\"true\"]]");
        FrameChannel core = fork(host(null, env), 2, 1).getFirst();
        request(core, "/uwsgi", new byte[0]);
        assertEquals("via UWSGI.log", text(expect(core, FrameType.LOG)));
        StringBuilder body = new StringBuilder();
        response(core, body);
        assertEquals("[2,3,4242,1,\"0.1.0-uwsgi4j\",[\"master\",\"rack\"]]", body.toString());
    }

    @Test
    void aCallWhileTheAppLoadsGoesOnTheControlChannel() throws IOException {
        Path ru = Files.writeString(dir.resolve("calls.ru"),
                "ANSWER = UWSGI.kernel_call('kit.load', 'x')\nrun ->(env) { [200, {}, [ANSWER.join(',')]] }\n");
        Process p = start("host", Map.of("UWSGI4J_RACK", ru.toString()));
        FrameChannel control = accept();
        assertEquals("control", expect(control, FrameType.HELLO).fields().get(1));
        assertEquals(List.of("kit.load", "x"), expect(control, FrameType.CALL).fields());
        control.writeFields(FrameType.RESULT, 0, "ok", "a", "b");
        expect(control, FrameType.READY);
        assertTrue(p.isAlive());
        assertEquals("a,b", get(fork(control, 1, 1).getFirst(), "/"));
    }

    @Test
    void aSyntaxErrorInConfigRuIsOneLineNamingTheFileAndLine() throws Exception {
        Path ru = Files.writeString(dir.resolve("bad.ru"), "run ->(env) {\n  [200, {}, [\"x\"]\n}\n");
        Process p = start("host", Map.of("UWSGI4J_RACK", ru.toString()));
        FrameChannel control = accept();
        expect(control, FrameType.HELLO);
        List<String> reason = expect(control, FrameType.LOADFAIL).fields();
        assertEquals(1, reason.size());
        assertTrue(reason.getFirst().startsWith("SyntaxError: ") && reason.getFirst().contains("(" + ru + " line "),
                reason.getFirst());
        assertEquals(22, exitCode(p));
    }

    @Test
    void aMissingConfigRuIsOneLine() throws Exception {
        Process p = start("host", Map.of("UWSGI4J_RACK", dir.resolve("nowhere.ru").toString()));
        FrameChannel control = accept();
        expect(control, FrameType.HELLO);
        String reason = expect(control, FrameType.LOADFAIL).fields().getFirst();
        assertTrue(reason.contains("nowhere.ru"), reason);
        assertEquals(22, exitCode(p));
    }
}
