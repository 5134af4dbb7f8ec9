package org.uwsgi4j.plugin.logencoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The json encoder's lines parse whatever bytes the message holds (checked by a strict parser below). */
class JsonEscapeTest {

    private static String escape(byte[] b) {
        var out = new JsonEscape.Buffer(16);
        JsonEscape.append(b, 0, b.length, out);
        return new String(out.toArray(), StandardCharsets.UTF_8);
    }

    @Test
    void quotesBackslashesAndControlCharactersAreEscaped() {
        assertEquals("say \\\"hi\\\" \\\\ \\u0001\\u001b tab\\there\\r\\n\\b\\f\\u007f",
                escape("say \"hi\" \\ \u0001\u001b tab\there\r\n\b\f\u007f".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void wellFormedUtf8IsKeptAndInvalidBytesBecomeTheirLatin1Character() {
        assertEquals("café ✓ 😀", escape("café ✓ 😀".getBytes(StandardCharsets.UTF_8)));
        // a stray continuation byte, a truncated sequence, an overlong '/', a surrogate, a latin-1 é
        byte[] bad = {(byte) 0x80, 'a', (byte) 0xE2, (byte) 0x9C, 'b', (byte) 0xC0, (byte) 0xAF,
                (byte) 0xED, (byte) 0xA0, (byte) 0x80, (byte) 0xE9};
        assertEquals("\\u0080a\\u00e2\\u009cb\\u00c0\\u00af\\u00ed\\u00a0\\u0080\\u00e9", escape(bad));
    }

    @Test
    void everyRandomMessageMakesAValidJsonLine() {
        Encoder json = Template.compile("{\"msg\":\"${msg}\",\"nl\":\"${msgnl}\",\"t\":${unix}}", true, ZoneOffset.UTC);
        Random random = new Random(20);
        for (int i = 0; i < 5000; i++) {
            byte[] message = new byte[random.nextInt(40)];
            random.nextBytes(message);
            if (i % 2 == 0) {
                for (int k = 0; k < message.length; k++) {
                    message[k] = (byte) "\"\\\n\t\u0001aé\u007f".getBytes(StandardCharsets.ISO_8859_1)[random.nextInt(8)];
                }
            }
            byte[] line = json.encode(message, 0);
            StrictJson.parseObject(line);
        }
    }
}
