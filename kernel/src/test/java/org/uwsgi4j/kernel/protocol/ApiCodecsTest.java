package org.uwsgi4j.kernel.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.api.HttpHead;
import org.uwsgi4j.kernel.api.UwsgiVars;

/** The api's parser and codec services ({@link HeadParsing}, {@link PacketCodec}) as a router uses them. */
class ApiCodecsTest {

    private final HeadParsing heads = new HeadParsing();
    private final PacketCodec packets = new PacketCodec();

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void aHeadBecomesTheHttpSocketsVariablesAndAPacketThatParsesBack() throws Exception {
        HttpHead head = heads.newHead(4096);
        ByteBuffer in = bytes("GET /a%20b?q=1 HTTP/1.1\r\nHost: example.org\r\nX-Thing: 1\r\n\r\nNEXT");
        assertTrue(head.parse(in));
        assertEquals("NEXT", StandardCharsets.ISO_8859_1.decode(in).toString(), "the bytes after the head stay");
        assertEquals("GET", head.method());
        assertEquals("HTTP/1.1", head.version());
        assertTrue(head.keepAlive());
        assertEquals(0, head.contentLength());
        assertEquals("example.org", head.header("host"));
        UwsgiVars vars = packets.newVars();
        head.vars("vm", "8080", "10.0.0.1", 4242, false, vars);
        vars.add("UWSGI_ROUTER", "http");
        ByteBuffer packet = ByteBuffer.allocate(vars.packetSize());
        vars.writePacket(0, 0, packet);
        assertFalse(packet.hasRemaining(), "packetSize is exact");
        Map<String, String> back = packets.parse(packet.flip());
        assertEquals("/a b", back.get("PATH_INFO"));
        assertEquals("q=1", back.get("QUERY_STRING"));
        assertEquals("vm", back.get("SERVER_NAME"));
        assertEquals("8080", back.get("SERVER_PORT"));
        assertEquals("10.0.0.1", back.get("REMOTE_ADDR"));
        assertEquals("4242", back.get("REMOTE_PORT"));
        assertEquals("1", back.get("HTTP_X_THING"));
        assertEquals("http", back.get("UWSGI_ROUTER"));
    }

    @Test
    void aChunkedBodyIsDecodedAndABadHeadIsRefusedWithItsStatus() throws Exception {
        HttpHead head = heads.newHead(4096);
        ByteBuffer in = bytes("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET");
        assertTrue(head.parse(in));
        assertEquals(-1, head.contentLength());
        var body = new ByteArrayOutputStream();
        assertTrue(head.decodeChunk(in, body));
        assertEquals("hello", body.toString(StandardCharsets.ISO_8859_1));
        assertEquals(3, in.remaining());
        head.reset();
        var bad = assertThrows(HttpHead.BadRequest.class, () -> head.parse(bytes("GET / HTTP/2.0\r\n\r\n")));
        assertEquals(505, bad.status());
    }

    @Test
    void varsRefuseANulByteAndAPacketMustBeWhole() {
        UwsgiVars vars = packets.newVars();
        assertThrows(IllegalArgumentException.class, () -> vars.add("A", "x\0y"));
        var e = assertThrows(IllegalArgumentException.class, () -> packets.parse(ByteBuffer.wrap(new byte[] {0, 10, 0, 0, 1})));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
}
