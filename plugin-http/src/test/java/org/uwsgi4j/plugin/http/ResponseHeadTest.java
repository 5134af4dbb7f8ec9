package org.uwsgi4j.plugin.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A backend's response head: where it ends, its status and headers, its framing. */
class ResponseHeadTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theEndIsFoundWithCrlfOrBareLfAndNotBefore() {
        byte[] crlf = b("HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody");
        assertEquals(crlf.length - 4, ResponseHead.end(crlf, 0, crlf.length));
        assertEquals(-1, ResponseHead.end(crlf, 0, crlf.length - 6), "not whole yet");
        byte[] lf = b("HTTP/1.0 204 No Content\nA: b\n\nrest");
        assertEquals(lf.length - 4, ResponseHead.end(lf, 0, lf.length));
    }

    @Test
    void statusHeadersAndFraming() {
        byte[] raw = b("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\ncontent-length: 12\r\nX: a: b\r\n\r\n");
        ResponseHead h = ResponseHead.parse(raw, raw.length);
        assertEquals(404, h.status());
        assertEquals("HTTP/1.1 404 Not Found", h.statusLine());
        assertEquals(12, h.contentLength());
        assertEquals("a: b", h.header("x"));
        assertFalse(h.chunked());
        assertTrue(h.statusAllowsBody());
        assertNull(h.header("Transfer-Encoding"));
        byte[] chunked = b("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n");
        ResponseHead c = ResponseHead.parse(chunked, chunked.length);
        assertTrue(c.chunked());
        assertFalse(c.statusAllowsBody());
        assertEquals(-1, c.contentLength());
    }

    @Test
    void garbageIsRefusedInOneLine() {
        byte[] raw = b("Status: 200 OK\r\n\r\n");
        var e = assertThrows(IllegalArgumentException.class, () -> ResponseHead.parse(raw, raw.length));
        assertTrue(e.getMessage().startsWith("invalid response status line"), e.getMessage());
        byte[] noColon = b("HTTP/1.1 200 OK\r\nbroken line\r\n\r\n");
        assertThrows(IllegalArgumentException.class, () -> ResponseHead.parse(noColon, noColon.length));
    }
}
