package org.uwsgi4j.kernel.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FrameTypeTest {

    @Test
    void codesAreTheProtocolsAndMapBack() {
        assertEquals(1, FrameType.HELLO.code());
        assertEquals(10, FrameType.REQUEST.code());
        assertEquals(13, FrameType.GONE.code());
        assertEquals(14, FrameType.SIGNAL.code());
        assertEquals(24, FrameType.SENDFILE.code());
        assertEquals(41, FrameType.RESULT.code());
        for (FrameType t : FrameType.values()) {
            assertSame(t, FrameType.of(t.code()));
        }
    }

    @Test
    void unknownCodesAreRefused() {
        for (int code : new int[] {0, 6, 9, 15, 25, 42, 255, -1, 256}) {
            assertThrows(IllegalArgumentException.class, () -> FrameType.of(code), "code " + code);
        }
    }
}
