package org.uwsgi4j.kernel.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.uwsgi4j.kernel.protocol.Fixtures.Fixture;

class UwsgiPacketParserTest {

    static List<String> outcome(byte[] data, List<ByteBuffer> pieces) {
        return outcome(new UwsgiPacketParser(ProtocolLimits.DEFAULTS), data, pieces);
    }

    static List<String> outcome(UwsgiPacketParser parser, byte[] data, List<ByteBuffer> pieces) {
        RequestVars vars = new RequestVars(32);
        parser.reset(vars);
        try {
            long consumed = 0;
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
            assertEquals(consumed, parser.consumed());
            assertEquals(4 + parser.datasize(), consumed);
            List<String> out = new ArrayList<>();
            out.add("@modifier1=" + parser.modifier1());
            out.add("@modifier2=" + parser.modifier2());
            out.add("@datasize=" + parser.datasize());
            out.add("@rest=" + (data.length - consumed));
            out.addAll(Fixtures.lines(vars));
            return out;
        } catch (BadMessageException e) {
            return List.of("ERROR " + e.reason());
        }
    }

    @TestFactory
    Stream<DynamicTest> nginxPacketsGiveTheirVarsInEverySplit() {
        return Fixtures.list("uwsgi/valid", "bin").stream().map(f -> dynamicTest(f.name(), () -> {
            byte[] data = f.bytes();
            Fixtures.Expected e = Fixtures.expected(f.text("vars"));
            List<String> expected = new ArrayList<>();
            e.meta().forEach((k, v) -> expected.add("@" + k + "=" + v));
            expected.addAll(e.vars());
            assertEquals(expected, outcome(data, Fixtures.pieces(data)));
            for (int cut = 0; cut <= data.length; cut++) {
                assertEquals(expected, outcome(data, Fixtures.pieces(data, cut)), "split at " + cut);
            }
            assertEquals(expected, outcome(data, HttpRequestParserTest.byteByByte(data)));
        }));
    }

    @TestFactory
    Stream<DynamicTest> blockSizeOfParsedVarsIsTheDatasize() {
        return Fixtures.list("uwsgi/valid", "bin").stream().map(f -> dynamicTest(f.name(), () -> {
            RequestVars vars = parse(f.bytes());
            int datasize = (f.bytes()[1] & 0xff) | (f.bytes()[2] & 0xff) << 8;
            assertEquals(datasize, vars.uwsgiBlockSize());
            ByteBuffer again = ByteBuffer.allocate(4 + datasize);
            vars.writeUwsgiPacket(0, 0, again);
            assertArrayEquals(Arrays.copyOf(f.bytes(), 4 + datasize), again.array(), "re-serialized packet is byte-identical");
        }));
    }

    private static RequestVars parse(byte[] packet) throws BadMessageException {
        UwsgiPacketParser p = new UwsgiPacketParser(ProtocolLimits.DEFAULTS);
        RequestVars vars = new RequestVars();
        p.reset(vars);
        assertTrue(p.parse(ByteBuffer.wrap(packet)));
        return vars;
    }

    @Test
    void httpSpokenToAUwsgiSocketGetsUwsgisLogLineAndTheHint() {
        UwsgiPacketParser p = new UwsgiPacketParser(ProtocolLimits.DEFAULTS);
        p.reset(new RequestVars());
        BadMessageException e = assertThrows(BadMessageException.class,
                () -> p.parse(ByteBuffer.wrap(Fixtures.latin1("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))));
        assertEquals("invalid request block size: 21573 (max 4096)...skip", e.reason());
        assertEquals(UwsgiPacketParser.HTTP_HINT, e.hint());
        assertEquals(400, e.status());
    }

    @Test
    void blockSizeAboveTheBufferSizeIsRefusedWithoutHintAndTheLimitIsConfigurable() throws Exception {
        byte[] big = packet(0, 0, "K", "v".repeat(5000));
        UwsgiPacketParser p = new UwsgiPacketParser(ProtocolLimits.DEFAULTS);
        p.reset(new RequestVars());
        BadMessageException e = assertThrows(BadMessageException.class, () -> p.parse(ByteBuffer.wrap(big)));
        assertEquals("invalid request block size: 5005 (max 4096)...skip", e.reason());
        assertNull(e.hint());
        UwsgiPacketParser wide = new UwsgiPacketParser(ProtocolLimits.DEFAULTS.withBufferSize(65535));
        RequestVars vars = new RequestVars();
        wide.reset(vars);
        assertTrue(wide.parse(ByteBuffer.wrap(big)));
        assertEquals(5000, vars.get("K").length());
        UwsgiPacketParser exact = new UwsgiPacketParser(ProtocolLimits.DEFAULTS.withBufferSize(5005));
        exact.reset(vars);
        assertTrue(exact.parse(ByteBuffer.wrap(big)));
    }

    @Test
    void malformedBlocksAreRefusedWithUwsgisMessages() {
        assertEquals("ERROR uwsgi key cannot be null. skip this request.", one(raw(0, 0, 0, 0, 1, 0, 'v')));
        assertEquals("ERROR invalid uwsgi request (current strsize: 9). skip.", one(raw(9, 0, 'K', 'E', 'Y', 1, 0, 'v')));
        assertEquals("ERROR invalid uwsgi request (current strsize: 5). skip.", one(raw(1, 0, 'K', 5, 0, 'v', 'v')));
        assertEquals("ERROR invalid uwsgi request (current strsize: 1). skip.", one(raw(1, 0, 'K', 0, 0, 'x')));
        assertEquals("ERROR invalid uwsgi request (current strsize: 1). skip.", one(raw(1, 0, 'K')));
        assertEquals("ERROR invalid uwsgi request (NUL byte in a var). skip.", one(raw(1, 0, 'K', 2, 0, 'a', 0)));
        assertEquals("ERROR invalid uwsgi request (NUL byte in a var). skip.", one(raw(2, 0, 'K', 0, 1, 0, 'a')));
    }

    @Test
    void aBinaryClientCertificateIsDroppedAndTheRequestServed() {
        var block = new ByteArrayOutputStream();
        block.writeBytes(raw(1, 0, 'A', 1, 0, '1'));
        byte[] key = Fixtures.latin1("HTTPS_CLIENT_CERTIFICATE");
        block.writeBytes(raw(key.length, 0));
        block.writeBytes(key);
        block.writeBytes(raw(9, 0, 0x30, 0x82, 0x01, 0x00, 0x02, 0x01, 0x00, 0x05, 0x00)); // DER: NUL bytes
        block.writeBytes(raw(1, 0, 'B', 1, 0, '2'));
        String outcome = one(block.toByteArray());
        assertTrue(outcome.endsWith("\n@rest=0\nA=1\nB=2"), "the variable is dropped, the others kept: " + outcome);
        assertEquals("ERROR invalid uwsgi request (NUL byte in a var). skip.", one(raw(1, 0, 'K', 2, 0, 'a', 0)), "any other still refused");
    }

    private static String one(byte[] block) {
        byte[] packet = new byte[4 + block.length];
        packet[1] = (byte) block.length;
        packet[2] = (byte) (block.length >>> 8);
        System.arraycopy(block, 0, packet, 4, block.length);
        List<String> whole = outcome(packet, Fixtures.pieces(packet));
        assertEquals(whole, outcome(packet, HttpRequestParserTest.byteByByte(packet)));
        return String.join("\n", whole);
    }

    private static byte[] raw(int... bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = (byte) bytes[i];
        }
        return out;
    }

    @Test
    void emptyValuesAndEmptyBlocksAreFine() throws Exception {
        RequestVars vars = parse(packet(0, 0, "QUERY_STRING", "", "A", "b"));
        assertEquals(List.of("QUERY_STRING=", "A=b"), Fixtures.lines(vars));
        UwsgiPacketParser p = new UwsgiPacketParser(ProtocolLimits.DEFAULTS);
        p.reset(vars);
        ByteBuffer ping = ByteBuffer.wrap(new byte[] {100, 0, 0, 0, 'x'});
        assertTrue(p.parse(ping));
        assertEquals(100, p.modifier1());
        assertEquals(0, vars.count());
        assertEquals(4, ping.position());
    }

    @Test
    void pipelinedPacketsAndBodiesStayInTheBuffer() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(packet(5, 3, "CONTENT_LENGTH", "4", "PATH_INFO", "/a"));
        out.writeBytes(Fixtures.latin1("body"));
        out.writeBytes(packet(0, 0, "PATH_INFO", "/b"));
        ByteBuffer in = ByteBuffer.wrap(out.toByteArray());
        UwsgiPacketParser p = new UwsgiPacketParser(ProtocolLimits.DEFAULTS);
        RequestVars vars = new RequestVars();
        p.reset(vars);
        assertTrue(p.parse(in));
        assertEquals(5, p.modifier1());
        assertEquals(3, p.modifier2());
        assertEquals(4, vars.contentLength());
        assertEquals('b', in.get(in.position()));
        in.position(in.position() + 4);
        p.reset(vars);
        assertTrue(p.parse(in));
        assertEquals("/b", vars.get("PATH_INFO"));
        assertFalse(in.hasRemaining());
    }

    @Test
    void rawModifiersKeepTheirPayload() throws Exception {
        byte[] echo = {101, 5, 0, 0, 'h', 'e', 'l', 'l', 'o', 'X'};
        UwsgiPacketParser p = new UwsgiPacketParser(ProtocolLimits.DEFAULTS);
        RequestVars vars = new RequestVars();
        for (List<ByteBuffer> pieces : List.of(Fixtures.pieces(echo), HttpRequestParserTest.byteByByte(echo))) {
            p.reset(vars);
            for (ByteBuffer piece : pieces) {
                if (p.parse(piece)) {
                    break;
                }
            }
            assertTrue(p.isRawPayload());
            ByteBuffer payload = p.payload();
            byte[] got = new byte[payload.remaining()];
            payload.get(got);
            assertEquals("hello", new String(got, java.nio.charset.StandardCharsets.ISO_8859_1));
            assertEquals(0, vars.count());
        }
    }

    /** A uwsgi packet with the given key/value pairs. */
    static byte[] packet(int modifier1, int modifier2, String... kv) {
        RequestVars vars = new RequestVars();
        for (int i = 0; i < kv.length; i += 2) {
            vars.add(kv[i], kv[i + 1]);
        }
        ByteBuffer out = ByteBuffer.allocate(4 + vars.uwsgiBlockSize());
        vars.writeUwsgiPacket(modifier1, modifier2, out);
        return out.array();
    }
}
