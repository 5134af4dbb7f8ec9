package org.uwsgi4j.kernel.statics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ByteRangeTest {

    @Test
    void readsTheThreeFormsOfOneRange() {
        assertEquals(new ByteRange(0, 1), ByteRange.parse("bytes=0-1", 6));
        assertEquals(new ByteRange(2, 5), ByteRange.parse("bytes=2-", 6));
        assertEquals(new ByteRange(3, 5), ByteRange.parse("bytes=-3", 6));
        assertEquals(new ByteRange(0, 5), ByteRange.parse("bytes=-30", 6));
        assertEquals(new ByteRange(4, 5), ByteRange.parse("bytes=4-100", 6));
        assertEquals(2, ByteRange.parse("bytes=4-100", 6).length());
    }

    @Test
    void aRangeStartingPastTheEndIsUnsatisfiable() {
        assertEquals(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=6-", 6));
        assertEquals(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=10-20", 6));
        assertEquals(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=-0", 6));
        assertEquals(ByteRange.UNSATISFIABLE, ByteRange.parse("bytes=-5", 0));
    }

    @Test
    void whatIsNotOneWellFormedByteRangeIsIgnored() {
        for (String h : new String[] {null, "", "bytes=", "bytes=a-b", "bytes=3-1", "bytes=0-1,3-4", "items=0-1",
                "bytes=1", "bytes=--1", "bytes=+1-2", "bytes=99999999999999999999-"}) {
            assertEquals(ByteRange.IGNORED, ByteRange.parse(h, 6), String.valueOf(h));
        }
    }
}
