package org.uwsgi4j.plugin.logencoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

class EncodersTest {

    private static final long MICROS = 1_796_574_921_123_456L; // Sun Dec  6 16:35:21.123456 2026 UTC

    private static byte[] encode(String spec, String message) {
        return EncoderSpec.parse("log-encoder", spec, ZoneOffset.UTC).encoder()
                .encode(message.getBytes(StandardCharsets.UTF_8), MICROS);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void prefixSuffixAndNlWorkOnTheMessageWithItsNewlineAsUwsgiDoes() {
        assertEquals("PP line\n", text(encode("prefix PP ", "line\n")));
        assertEquals("line\nSS", text(encode("suffix SS", "line\n")));
        assertEquals("line\n\n", text(encode("nl", "line\n")));
    }

    @Test
    void formatReplacesEveryVariable() {
        assertEquals("[2026] 1796574921 1796574921123 1796574921123456 <line> <line\n>",
                text(encode("format [${strftime:%Y}] ${unix} ${millis} ${micros} <${msg}> <${msgnl}>", "line\n")));
    }

    @Test
    void aDollarWithoutBraceAndAnUnterminatedVariableAreText() {
        assertEquals("$x ${msg", text(encode("format $x ${msg", "line\n")));
    }

    @Test
    void anUnknownVariableOrEncoderIsRefusedWithItsOption() {
        var e = assertThrows(IllegalArgumentException.class, () -> encode("json {\"a\":\"${nope}\"}", "x"));
        assertEquals("--log-encoder 'json {\"a\":\"${nope}\"}': unknown variable ${nope} (msg, msgnl, unix, micros, millis, strftime:FORMAT)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> encode("base64 x", "x"));
        assertEquals("--log-encoder 'base64 x': no log encoder named \"base64\" (prefix, suffix, nl, gzip, compress, format, json)",
                e.getMessage());
    }

    @Test
    void theLoggerSuffixBindsTheEncoder() {
        var spec = EncoderSpec.parse("log-encoder", "json:errors {\"m\":\"${msg}\"}", ZoneOffset.UTC);
        assertEquals("json", spec.name());
        assertEquals("errors", spec.logger());
        assertEquals(true, spec.appliesTo("errors"));
        assertEquals(false, spec.appliesTo(null));
        assertEquals(false, spec.appliesTo("other"));
    }

    @Test
    void gzipIsOneGzipMemberPerMessage() throws IOException {
        byte[] z = encode("gzip", "a line of the log\n");
        try (var in = new GZIPInputStream(new ByteArrayInputStream(z))) {
            assertEquals("a line of the log\n", text(in.readAllBytes()));
        }
    }

    @Test
    void compressIsAZlibStreamPerMessage() throws Exception {
        byte[] z = encode("compress", "a line of the log\n");
        assertEquals(0x78, z[0] & 0xFF); // zlib header, as zlib's compress() makes
        Inflater inflater = new Inflater();
        inflater.setInput(z);
        byte[] out = new byte[100];
        int n = inflater.inflate(out);
        assertEquals(true, inflater.finished());
        assertEquals("a line of the log\n", new String(out, 0, n, StandardCharsets.UTF_8));
    }

    @Test
    void chainsRunInOrder() {
        var chain = new Chain(java.util.List.of(
                EncoderSpec.parse("log-encoder", "json {\"m\":\"${msg}\"}", ZoneOffset.UTC),
                EncoderSpec.parse("log-encoder", "nl", ZoneOffset.UTC),
                EncoderSpec.parse("log-encoder", "prefix >", ZoneOffset.UTC)));
        assertArrayEquals(">{\"m\":\"x\"}\n".getBytes(StandardCharsets.UTF_8),
                chain.encode("x\n".getBytes(StandardCharsets.UTF_8), MICROS));
    }
}
