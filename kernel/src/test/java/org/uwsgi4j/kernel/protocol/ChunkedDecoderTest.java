package org.uwsgi4j.kernel.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChunkedDecoderTest {

    /** Decodes {@code data} fed as {@code pieces}: "body|rest=N", "INCOMPLETE", or "ERROR reason". */
    static String outcome(ProtocolLimits limits, byte[] data, List<ByteBuffer> pieces) {
        ChunkedDecoder d = new ChunkedDecoder(limits);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        ChunkedDecoder.Sink sink = (src, offset, length) -> {
            for (int i = 0; i < length; i++) {
                body.write(src.get(offset + i));
            }
        };
        try {
            int consumed = 0;
            boolean done = false;
            for (ByteBuffer piece : pieces) {
                int before = piece.position();
                done = d.decode(piece, sink);
                consumed += piece.position() - before;
                if (done) {
                    break;
                }
            }
            assertEquals(body.size(), d.decodedLength());
            if (!done) {
                return "INCOMPLETE";
            }
            return body.toString(StandardCharsets.ISO_8859_1) + "|rest=" + (data.length - consumed);
        } catch (BadMessageException e) {
            return "ERROR " + e.status() + " " + e.reason();
        }
    }

    static String everySplitAlike(String wire) {
        return everySplitAlike(ProtocolLimits.DEFAULTS, wire);
    }

    static String everySplitAlike(ProtocolLimits limits, String wire) {
        byte[] data = Fixtures.latin1(wire.replace("\\r", "\r").replace("\\n", "\n"));
        String whole = outcome(limits, data, Fixtures.pieces(data));
        for (int cut = 0; cut <= data.length; cut++) {
            assertEquals(whole, outcome(limits, data, Fixtures.pieces(data, cut)), "split at " + cut);
        }
        assertEquals(whole, outcome(limits, data, HttpRequestParserTest.byteByByte(data)));
        return whole;
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", value = {
        "5\\r\\nhello\\r\\n0\\r\\n\\r\\n => hello|rest=0",
        "5\\r\\nhello\\r\\n6\\r\\n world\\r\\n0\\r\\n\\r\\nGET / => hello world|rest=5",
        "A\\r\\n0123456789\\r\\n0\\r\\n\\r\\n => 0123456789|rest=0",
        "a;name=value;q=\"x y\"\\r\\n0123456789\\r\\n000\\r\\n\\r\\n => 0123456789|rest=0",
        "3 ;ext\\r\\nabc\\r\\n0 \\r\\n\\r\\n => abc|rest=0",
        "3\\r\\nabc\\r\\n0\\r\\nX-Trailer: 1\\r\\nY: 2\\r\\n\\r\\nnext => abc|rest=4",
        "0\\r\\n\\r\\n => |rest=0",
        "5\\r\\nhel => INCOMPLETE",
    })
    void decodesValidBodiesAlikeInEverySplit(String wire, String expected) {
        assertEquals(expected, everySplitAlike(wire));
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "=>", value = {
        "\\r\\n => invalid chunk size",
        "x\\r\\n => invalid chunk size",
        "-1\\r\\n => invalid chunk size",
        "' 5\\r\\nhello\\r\\n' => invalid chunk size",
        "5x\\r\\n => invalid chunk size",
        "5 x\\r\\n => invalid chunk size",
        "5\\rX => CR not followed by LF in a chunked body",
        "3\\nabc\\r\\n0\\r\\n\\r\\n => bare LF in a chunked body (lines end with CRLF)",
        "3\\r\\nabc\\n0\\r\\n\\r\\n => bare LF in a chunked body (lines end with CRLF)",
        "3;x\\nabc\\r\\n0\\r\\n\\r\\n => bare LF in a chunked body (lines end with CRLF)",
        "0\\r\\nT: 1\\n\\r\\n => bare LF in a chunked body (lines end with CRLF)",
        "0\\r\\n\\n => bare LF in a chunked body (lines end with CRLF)",
        "3\\r\\nabcX => missing CRLF after chunk data",
        "3\\r\\nabc\\rX => CR not followed by LF in a chunked body",
        "1000000000000000\\r\\n => chunk size too large",
        "0\\r\\nX: 1\\rY => CR not followed by LF in a chunked body",
        "1;a\u0000\\r\\n => NUL byte in a chunk extension",
        "1\\r\\nx\\r\\n0\\r\\n\\rX => CR not followed by LF in a chunked body",
    })
    void refusesMalformedBodiesWith400(String wire, String reason) {
        assertEquals("ERROR 400 " + reason, everySplitAlike(wire));
    }

    @Test
    void enforcesLineAndTrailerLimits() {
        ProtocolLimits limits = new ProtocolLimits(4096, 100, 8, 10);
        assertEquals("abc|rest=0", everySplitAlike(limits, "3;abcd\\r\\nabc\\r\\n0\\r\\n123456789\\r\\n\\r\\n"));
        assertEquals("ERROR 400 chunk size line too long (max 8)", everySplitAlike(limits, "3;abcdefgh\\r\\nabc"));
        assertEquals("ERROR 400 chunk size line too long (max 8)", everySplitAlike(limits, "000000003\\r\\nabc"));
        assertEquals("ERROR 400 chunked trailers too large (max 10)", everySplitAlike(limits, "0\\r\\nX: 12345\\r\\nY: 1\\r\\n\\r\\n"));
    }

    @Test
    void handsTheCallersOwnBufferToTheSink() throws Exception {
        ByteBuffer in = ByteBuffer.wrap(Fixtures.latin1("5\r\nhello\r\n0\r\n\r\n"));
        List<Object> seen = new ArrayList<>();
        ChunkedDecoder d = new ChunkedDecoder(ProtocolLimits.DEFAULTS);
        assertTrue(d.decode(in, (src, offset, length) -> {
            seen.add(src);
            seen.add(offset);
            seen.add(length);
        }));
        assertSame(in, seen.get(0));
        assertEquals(List.of(3, 5), seen.subList(1, 3));
        d.reset();
        assertEquals(ChunkedDecoder.State.SIZE, d.state());
        assertEquals(0, d.decodedLength());
    }
}
