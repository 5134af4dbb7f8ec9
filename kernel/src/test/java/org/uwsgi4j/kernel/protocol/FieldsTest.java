package org.uwsgi4j.kernel.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FieldsTest {

    @Test
    void encodesEachFieldNulTerminated() {
        assertArrayEquals("a\0bc\0\0".getBytes(StandardCharsets.ISO_8859_1), Fields.encode("a", "bc", ""));
        assertArrayEquals(new byte[0], Fields.encode());
    }

    @Test
    void roundTripsLatin1AndEmptyFieldsAnywhere() {
        List<String> fields = List.of("", "PATH_INFO", "/caf\u00e9", "QUERY_STRING", "", "");
        assertEquals(fields, Fields.decode(ByteBuffer.wrap(Fields.encode(fields))));
    }

    @Test
    void nonLatin1BecomesQuestionMark() {
        assertEquals(List.of("a?b"), Fields.decode(ByteBuffer.wrap(Fields.encode("a\u20acb"))));
    }

    @Test
    void refusesNulInsideAField() {
        assertThrows(IllegalArgumentException.class, () -> Fields.encode("ok", "a\0b"));
    }

    @Test
    void decodesFromPositionToLimitWithoutMovingIt() {
        ByteBuffer b = ByteBuffer.wrap("xxa\0b\0yy".getBytes(StandardCharsets.ISO_8859_1), 2, 4);
        assertEquals(List.of("a", "b"), Fields.decode(b));
        assertEquals(2, b.position());
        ByteBuffer direct = ByteBuffer.allocateDirect(8).put("k\0v\0".getBytes(StandardCharsets.ISO_8859_1)).flip();
        assertEquals(List.of("k", "v"), Fields.decode(direct));
        assertEquals(0, direct.position());
    }

    @Test
    void anUnterminatedTailIsOneMoreField() {
        assertEquals(List.of("a", "b"), Fields.decode(ByteBuffer.wrap("a\0b".getBytes(StandardCharsets.ISO_8859_1))));
        assertEquals(List.of(), Fields.decode(ByteBuffer.allocate(0)));
    }
}
