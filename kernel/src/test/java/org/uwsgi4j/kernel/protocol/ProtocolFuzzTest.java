package org.uwsgi4j.kernel.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzz targets for the three parsers. In a normal build Jazzer runs them in regression mode on
 * the seeds of {@link #seeds()} (every byte fixture), which takes well under a second; set
 * {@code JAZZER_FUZZ=1} and run one method to fuzz for real. {@link #mutatedFixturesKeepTheInvariants()}
 * adds a few thousand deterministic mutations in every build.
 *
 * <p>Invariants: no exception but {@link BadMessageException}; the bytes consumed never exceed
 * the input; a completed parse is the same whether the input comes whole or split in two.
 */
class ProtocolFuzzTest {

    private static final ProtocolLimits SMALL = new ProtocolLimits(512, 20, 64, 64);

    static Stream<Arguments> seeds() {
        List<byte[]> all = new ArrayList<>();
        Fixtures.list("http/valid", "http").forEach(f -> all.add(f.bytes()));
        Fixtures.list("http/invalid", "http").forEach(f -> all.add(f.bytes()));
        Fixtures.list("uwsgi/valid", "bin").forEach(f -> all.add(f.bytes()));
        all.add(Fixtures.latin1("5\r\nhello\r\n0\r\nT: 1\r\n\r\n"));
        all.add(Fixtures.latin1("a;x=y\nabcdefghij\n0\n\n"));
        return all.stream().map(b -> Arguments.of((Object) b));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void fuzzHttp(byte[] data) {
        String whole = http(data, data.length);
        if (data.length > 1) {
            assertEquals(whole, http(data, data.length / 2), "split parse differs");
        }
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void fuzzUwsgi(byte[] data) {
        String whole = uwsgi(data, data.length);
        if (data.length > 1) {
            assertEquals(whole, uwsgi(data, data.length / 2), "split parse differs");
        }
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "10s")
    void fuzzChunked(byte[] data) {
        String whole = chunked(data, data.length);
        if (data.length > 1) {
            assertEquals(whole, chunked(data, data.length / 2), "split decode differs");
        }
    }

    @Test
    void mutatedFixturesKeepTheInvariants() {
        Random random = new Random(4242);
        List<byte[]> base = seeds().map(a -> (byte[]) a.get()[0]).toList();
        for (int round = 0; round < 3000; round++) {
            byte[] data = mutate(base.get(random.nextInt(base.size())), random);
            fuzzHttp(data);
            fuzzUwsgi(data);
            fuzzChunked(data);
        }
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] data = seed.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && data.length > 0; e++) {
            int at = random.nextInt(data.length);
            switch (random.nextInt(4)) {
                case 0 -> data[at] = (byte) random.nextInt(256);
                case 1 -> data[at] = (byte) "\r\n :;,%0aZ\0\t".charAt(random.nextInt(12));
                case 2 -> data = java.util.Arrays.copyOf(data, at);
                default -> {
                    byte[] longer = new byte[data.length + 1];
                    System.arraycopy(data, 0, longer, 0, at);
                    longer[at] = data[at];
                    System.arraycopy(data, at, longer, at + 1, data.length - at);
                    data = longer;
                }
            }
        }
        return data;
    }

    /** Parses {@code data} in two pieces cut at {@code cut}; renders the outcome. */
    private static String http(byte[] data, int cut) {
        HttpRequestParser parser = new HttpRequestParser(SMALL);
        int consumed = 0;
        try {
            for (ByteBuffer piece : Fixtures.pieces(data, cut)) {
                int before = piece.position();
                boolean done = parser.parse(piece);
                consumed += piece.position() - before;
                assertTrue(consumed <= data.length);
                if (done) {
                    RequestVars vars = new RequestVars(8);
                    new CgiVars(SMALL).build(parser, HttpRequestParserTest.RECORDED, vars);
                    assertEquals(parser.headLength(), consumed);
                    return consumed + " " + parser.framing() + " " + parser.contentLength() + " " + parser.keepAlive() + " " + Fixtures.lines(vars);
                }
            }
            return "incomplete";
        } catch (BadMessageException e) {
            assertTrue(e.status() >= 400 && e.status() < 600);
            return "error " + e.status();
        }
    }

    private static String uwsgi(byte[] data, int cut) {
        UwsgiPacketParser parser = new UwsgiPacketParser(SMALL);
        RequestVars vars = new RequestVars(8);
        parser.reset(vars);
        int consumed = 0;
        try {
            for (ByteBuffer piece : Fixtures.pieces(data, cut)) {
                int before = piece.position();
                boolean done = parser.parse(piece);
                consumed += piece.position() - before;
                assertTrue(consumed <= data.length);
                if (done) {
                    assertEquals(4 + parser.datasize(), consumed);
                    if (!parser.isRawPayload()) {
                        assertEquals(parser.datasize(), vars.uwsgiBlockSize());
                    }
                    return consumed + " " + Fixtures.lines(vars) + " " + vars.toMap();
                }
            }
            return "incomplete";
        } catch (BadMessageException e) {
            return "error " + e.reason();
        }
    }

    private static String chunked(byte[] data, int cut) {
        ChunkedDecoder decoder = new ChunkedDecoder(SMALL);
        long[] sunk = new long[1];
        int consumed = 0;
        try {
            for (ByteBuffer piece : Fixtures.pieces(data, cut)) {
                int before = piece.position();
                boolean done = decoder.decode(piece, (src, offset, length) -> {
                    assertTrue(offset >= 0 && length >= 0 && offset + length <= src.limit());
                    sunk[0] += length;
                });
                consumed += piece.position() - before;
                assertTrue(consumed <= data.length);
                assertEquals(sunk[0], decoder.decodedLength());
                if (done) {
                    return consumed + " " + sunk[0];
                }
            }
            return "incomplete " + sunk[0];
        } catch (BadMessageException e) {
            assertEquals(400, e.status());
            return "error " + e.reason();
        }
    }
}
