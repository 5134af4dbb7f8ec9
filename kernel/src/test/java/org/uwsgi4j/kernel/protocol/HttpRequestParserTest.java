package org.uwsgi4j.kernel.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.uwsgi4j.kernel.protocol.Fixtures.Fixture;

class HttpRequestParserTest {

    /** The connection the uWSGI 2.0.21 recordings (NNN.uwsgi) were made on. */
    static final ConnectionInfo RECORDED = new ConnectionInfo("vm", "39402", "127.0.0.1", -1, false);

    /** Fixtures where uwsgi4j deliberately differs from uWSGI 2.0.21 (see docs/protocols.md). */
    static final Set<String> DIFFERS_FROM_UWSGI = Set.of(
            "003", // surrounding whitespace of header values is trimmed (RFC 9112)
            "004", // invalid %-escapes kept as sent (uWSGI writes NUL bytes)
            "005", // header names with '_' dropped (uWSGI merges X_Foo into X-Foo)
            "006", // CONTENT_LENGTH is the one validated value (uWSGI: "2, 2")
            "007", // absolute-form target: PATH_INFO is its path
            "017"); // empty lines before the request line ignored (uWSGI garbles the request)

    /** Parses {@code data} fed as {@code pieces} and renders the outcome as text. */
    static List<String> outcome(byte[] data, List<ByteBuffer> pieces) {
        HttpRequestParser parser = new HttpRequestParser(ProtocolLimits.DEFAULTS);
        return outcome(parser, data, pieces);
    }

    static List<String> outcome(HttpRequestParser parser, byte[] data, List<ByteBuffer> pieces) {
        List<String> out = new ArrayList<>();
        try {
            int consumed = 0;
            boolean done = false;
            for (ByteBuffer piece : pieces) {
                int before = piece.position();
                done = parser.parse(piece);
                consumed += piece.position() - before;
                if (done) {
                    break;
                }
            }
            if (!done) {
                return List.of("INCOMPLETE");
            }
            assertEquals(consumed, parser.headLength());
            out.add("@framing=" + parser.framing());
            out.add("@contentLength=" + parser.contentLength());
            out.add("@keepAlive=" + parser.keepAlive());
            out.add("@expectContinue=" + parser.expectContinue());
            out.add("@head=" + parser.isHead());
            out.add("@rest=" + (data.length - consumed));
            RequestVars vars = new RequestVars(64);
            new CgiVars(ProtocolLimits.DEFAULTS).build(parser, RECORDED, vars);
            out.addAll(Fixtures.lines(vars));
            return out;
        } catch (BadMessageException e) {
            return List.of("ERROR " + e.status());
        }
    }

    static List<String> expectedLines(Fixture f) {
        Fixtures.Expected e = Fixtures.expected(f.text("vars"));
        List<String> out = new ArrayList<>();
        e.meta().forEach((k, v) -> out.add("@" + k + "=" + v));
        out.addAll(e.vars());
        return out;
    }

    @TestFactory
    Stream<DynamicTest> validFixturesGiveTheirVars() {
        return Fixtures.list("http/valid", "http").stream().map(f -> dynamicTest(f.name(), () ->
                assertEquals(expectedLines(f), outcome(f.bytes(), Fixtures.pieces(f.bytes())))));
    }

    @TestFactory
    Stream<DynamicTest> validFixturesParseAlikeInEveryTwoWaySplitAndByteByByte() {
        return Fixtures.list("http/valid", "http").stream().map(f -> dynamicTest(f.name(), () -> {
            byte[] data = f.bytes();
            List<String> whole = outcome(data, Fixtures.pieces(data));
            for (int cut = 0; cut <= data.length; cut++) {
                assertEquals(whole, outcome(data, Fixtures.pieces(data, cut)), "split at " + cut);
            }
            assertEquals(whole, outcome(data, byteByByte(data)));
        }));
    }

    @TestFactory
    Stream<DynamicTest> varsMatchTheUwsgiRecordingsExceptDocumentedDifferences() {
        return Fixtures.list("http/valid", "http").stream().filter(f -> f.has("uwsgi")).map(f -> dynamicTest(f.name(), () -> {
            List<String> ours = Fixtures.expected(f.text("vars")).vars();
            List<String> uwsgi = Fixtures.expected(f.text("uwsgi")).vars();
            if (DIFFERS_FROM_UWSGI.contains(f.name())) {
                assertFalse(ours.equals(uwsgi), "listed as differing but equal: " + f.name());
            } else {
                assertEquals(uwsgi, ours);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> invalidFixturesAreRefusedWithTheirStatus() {
        return Fixtures.list("http/invalid", "http").stream().map(f -> dynamicTest(f.name(), () -> {
            byte[] data = f.bytes();
            List<String> expected = List.of("ERROR " + f.text("status").trim());
            assertEquals(expected, outcome(data, Fixtures.pieces(data)));
            assertEquals(expected, outcome(data, byteByByte(data)));
            if (data.length < 600) {
                for (int cut = 0; cut <= data.length; cut++) {
                    assertEquals(expected, outcome(data, Fixtures.pieces(data, cut)), "split at " + cut);
                }
            }
        }));
    }

    @Test
    void varCountsAndSizesAreWhatUwsgiLogged() throws Exception {
        // from uWSGI 2.0.21's request log for the same requests: {N vars in M bytes}
        assertEquals("{32 vars in 359 bytes}", varsOf("001").toString());
        assertEquals("{18 vars in 170 bytes}", varsOf("002").toString());
        assertEquals("{20 vars in 193 bytes}", varsOf("008").toString());
        assertEquals("{20 vars in 187 bytes}", varsOf("009").toString());
        assertEquals("{20 vars in 188 bytes}", varsOf("010").toString());
        assertEquals("{20 vars in 184 bytes}", varsOf("011").toString());
        assertEquals("{22 vars in 204 bytes}", varsOf("012").toString());
    }

    private static RequestVars varsOf(String fixture) throws BadMessageException {
        Fixture f = Fixtures.list("http/valid", "http").stream().filter(x -> x.name().equals(fixture)).findFirst().orElseThrow();
        HttpRequestParser p = new HttpRequestParser(ProtocolLimits.DEFAULTS);
        assertTrue(p.parse(ByteBuffer.wrap(f.bytes())));
        RequestVars vars = new RequestVars();
        new CgiVars(ProtocolLimits.DEFAULTS).build(p, RECORDED, vars);
        return vars;
    }

    @Test
    void stopsAtTheEndOfTheFirstHeadOfPipelinedRequests() throws Exception {
        byte[] two = Fixtures.latin1("GET /one HTTP/1.1\r\nHost: h\r\n\r\nGET /two HTTP/1.1\r\nHost: h\r\n\r\nPOST");
        ByteBuffer in = ByteBuffer.wrap(two);
        HttpRequestParser p = new HttpRequestParser(ProtocolLimits.DEFAULTS);
        assertTrue(p.parse(in));
        assertEquals("/one", p.target());
        assertEquals(30, in.position());
        assertEquals(30, p.headLength());
        assertTrue(p.parse(in), "done stays done, consuming nothing");
        assertEquals(30, in.position());
        p.reset();
        assertTrue(p.parse(in));
        assertEquals("/two", p.target());
        assertEquals(60, in.position());
        p.reset();
        assertFalse(p.parse(in));
        assertTrue(p.isStarted());
        assertFalse(in.hasRemaining());
    }

    @Test
    void headExactlyAtTheBufferSizeIsAcceptedOneByteMoreIsNot() throws Exception {
        String start = "GET / HTTP/1.1\r\nHost: h\r\nX: ";
        int size = 256;
        String fits = start + "v".repeat(size - start.length() - 4) + "\r\n\r\n";
        assertEquals(size, fits.length());
        ProtocolLimits limits = ProtocolLimits.DEFAULTS.withBufferSize(size);
        HttpRequestParser p = new HttpRequestParser(limits);
        assertTrue(p.parse(ByteBuffer.wrap(Fixtures.latin1(fits))));
        p.reset();
        BadMessageException e = assertThrows(BadMessageException.class,
                () -> p.parse(ByteBuffer.wrap(Fixtures.latin1(start + "v".repeat(size - start.length() - 3) + "\r\n\r\n"))));
        assertEquals(431, e.status());
        assertEquals("invalid HTTP request size (max 256)...skip", e.reason());
        p.reset();
        e = assertThrows(BadMessageException.class, () -> p.parse(ByteBuffer.wrap(Fixtures.latin1("GET /" + "a".repeat(300)))));
        assertEquals(414, e.status());
    }

    @Test
    void aHeadLargerThanTheFirstAllocationIsParsedWholeOrInPieces() throws Exception {
        String head = "GET /big HTTP/1.1\r\nHost: h\r\nCookie: " + "c".repeat(3000) + "\r\nX-After: yes\r\n\r\nNEXT";
        HttpRequestParser whole = new HttpRequestParser(ProtocolLimits.DEFAULTS);
        ByteBuffer in = ByteBuffer.wrap(Fixtures.latin1(head));
        assertTrue(whole.parse(in), "a 3 KB head in one buffer: the head buffer grows within one parse");
        assertEquals("yes", whole.header("X-After"));
        assertEquals(4, in.remaining(), "the pipelined bytes after the head are left in the input");
        HttpRequestParser pieces = new HttpRequestParser(ProtocolLimits.DEFAULTS);
        byte[] bytes = Fixtures.latin1(head);
        boolean done = false;
        for (int at = 0; at < bytes.length && !done; at += 700) {
            done = pieces.parse(ByteBuffer.wrap(bytes, at, Math.min(700, bytes.length - at)));
        }
        assertTrue(done);
        assertEquals(3000, pieces.header("Cookie").length());
    }

    @Test
    void tooManyHeadersAre431() {
        ProtocolLimits limits = new ProtocolLimits(4096, 3, 4096, 4096);
        HttpRequestParser p = new HttpRequestParser(limits);
        assertTrue(assertDoesParse(p, "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\n\r\n"));
        p.reset();
        assertEquals(431, assertThrows(BadMessageException.class,
                () -> p.parse(ByteBuffer.wrap(Fixtures.latin1("GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n")))).status());
    }

    private static boolean assertDoesParse(HttpRequestParser p, String head) {
        try {
            return p.parse(ByteBuffer.wrap(Fixtures.latin1(head)));
        } catch (BadMessageException e) {
            throw new AssertionError(e.reason());
        }
    }

    @Test
    void exposesTheHeadWithoutLeakingStateAcrossReset() throws Exception {
        HttpRequestParser p = new HttpRequestParser(ProtocolLimits.DEFAULTS);
        assertTrue(assertDoesParse(p, "POST /x?y=1 HTTP/1.1\r\nHost: example\r\nContent-Length: 10\r\nExpect: 100-Continue\r\nX-Multi: a\r\nx-multi: b\r\n\r\n"));
        assertSame("POST", p.method());
        assertEquals("/x?y=1", p.target());
        assertEquals(HttpRequestParser.Version.HTTP_1_1, p.version());
        assertEquals(HttpRequestParser.Framing.CONTENT_LENGTH, p.framing());
        assertEquals(10, p.contentLength());
        assertTrue(p.expectContinue());
        assertEquals(5, p.headerCount());
        assertEquals("Content-Length", p.headerName(1));
        assertEquals("10", p.headerValue(1));
        assertEquals("example", p.header("HOST"));
        assertEquals("a", p.header("x-multi"));
        assertNull(p.header("cookie"));
        p.reset();
        assertFalse(p.isStarted());
        assertTrue(assertDoesParse(p, "PROPFIND / HTTP/1.0\r\n\r\n"));
        assertEquals("PROPFIND", p.method());
        assertEquals(HttpRequestParser.Framing.NONE, p.framing());
        assertEquals(-1, p.contentLength());
        assertFalse(p.expectContinue());
        assertFalse(p.keepAlive());
        assertEquals(0, p.headerCount());
    }

    @Test
    void expectIsIgnoredInHttp10AndChunkedIsCaseInsensitive() throws Exception {
        HttpRequestParser p = new HttpRequestParser(ProtocolLimits.DEFAULTS);
        assertTrue(assertDoesParse(p, "POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n"));
        assertFalse(p.expectContinue());
        p.reset();
        assertTrue(assertDoesParse(p, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: ,CHUNKED \r\n\r\n"));
        assertEquals(HttpRequestParser.Framing.CHUNKED, p.framing());
        p.reset();
        assertTrue(assertDoesParse(p, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 7, 7\r\n\r\n"));
        assertEquals(7, p.contentLength());
    }

    @Test
    void httpsAndRemotePortComeFromTheConnection() throws Exception {
        HttpRequestParser p = new HttpRequestParser(ProtocolLimits.DEFAULTS);
        assertTrue(assertDoesParse(p, "GET /s HTTP/1.1\r\nHost: h\r\n\r\n"));
        RequestVars vars = new RequestVars();
        new CgiVars(ProtocolLimits.DEFAULTS).build(p, new ConnectionInfo("srv", "443", "::1", 51000, true), vars);
        assertEquals(List.of("REQUEST_METHOD=GET", "REQUEST_URI=/s", "PATH_INFO=/s", "QUERY_STRING=", "SERVER_PROTOCOL=HTTP/1.1",
                "SCRIPT_NAME=", "SERVER_NAME=srv", "SERVER_PORT=443", "REMOTE_ADDR=::1", "REMOTE_PORT=51000", "HTTPS=on", "HTTP_HOST=h"),
                Fixtures.lines(vars));
    }

    @Test
    void refusedPathLeavesNoHalfVariableBehind() throws Exception {
        HttpRequestParser p = new HttpRequestParser(ProtocolLimits.DEFAULTS);
        assertTrue(assertDoesParse(p, "GET /%00 HTTP/1.1\r\nHost: h\r\n\r\n"));
        RequestVars vars = new RequestVars();
        assertThrows(BadMessageException.class, () -> new CgiVars(ProtocolLimits.DEFAULTS).build(p, RECORDED, vars));
        assertEquals(List.of("REQUEST_METHOD=GET", "REQUEST_URI=/%00"), Fixtures.lines(vars));
    }

    static List<ByteBuffer> byteByByte(byte[] data) {
        List<ByteBuffer> out = new ArrayList<>();
        for (byte b : data) {
            out.add(ByteBuffer.wrap(new byte[] {b}));
        }
        return out;
    }
}
