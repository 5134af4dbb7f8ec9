package org.uwsgi4j.kernel.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestVarsTest {

    @Test
    void blobIsKeyNulValueNulInOrder() {
        RequestVars vars = new RequestVars(16);
        vars.add("REQUEST_METHOD", "GET");
        vars.add("QUERY_STRING", "");
        vars.add("X", "caf\u00e9");
        byte[] blob = Arrays.copyOf(vars.blob(), vars.blobLength());
        assertArrayEquals(Fixtures.latin1("REQUEST_METHOD\0GET\0QUERY_STRING\0\0X\0caf\u00e9\0"), blob);
        assertEquals(3, vars.count());
        assertEquals(6, vars.uwsgiVarCount());
        assertEquals(4 + 14 + 3 + 4 + 12 + 4 + 1 + 4, vars.uwsgiBlockSize());
        assertEquals("{6 vars in 46 bytes}", vars.toString());
    }

    @Test
    void getFindsTheLastValueAndMapKeepsFirstOrder() {
        RequestVars vars = new RequestVars(4);
        vars.add("A", "1");
        vars.add("AB", "2");
        vars.add("A", "3");
        assertEquals("3", vars.get("A"));
        assertEquals("2", vars.get("AB"));
        assertNull(vars.get("B"));
        assertNull(vars.get(""));
        assertTrue(vars.contains("AB"));
        assertFalse(vars.contains("ABC"));
        assertEquals(Map.of("A", "3", "AB", "2"), vars.toMap());
        assertEquals(List.of("A", "AB"), List.copyOf(vars.toMap().keySet()));
    }

    @Test
    void contentLengthReadsLeadingDigitsLikeUwsgi() {
        RequestVars vars = new RequestVars();
        assertEquals(0, vars.contentLength());
        vars.add("CONTENT_LENGTH", "12abc");
        assertEquals(12, vars.contentLength());
        vars.add("CONTENT_LENGTH", "x");
        assertEquals(0, vars.contentLength());
        vars.add("CONTENT_LENGTH", "99999999999999999999999");
        assertEquals(Long.MAX_VALUE, vars.contentLength());
        vars.add("CONTENT_LENGTH", "");
        assertEquals(0, vars.contentLength());
    }

    @Test
    void streamingAppendAndDecimal() {
        RequestVars vars = new RequestVars(1);
        vars.beginKey();
        vars.append(Fixtures.latin1("xCONTENT_LENGTHx"), 1, 14);
        vars.endKey();
        vars.appendDecimal(1234567890123L);
        vars.endValue();
        vars.beginKey();
        vars.append(ByteBuffer.wrap(Fixtures.latin1("ZERO")), 4);
        vars.endKey();
        vars.appendDecimal(0);
        vars.endValue();
        assertEquals(List.of("CONTENT_LENGTH=1234567890123", "ZERO=0"), Fixtures.lines(vars));
        assertThrows(IllegalStateException.class, vars::endKey);
        assertThrows(IllegalStateException.class, vars::endValue);
        vars.beginKey();
        assertThrows(IllegalStateException.class, vars::beginKey);
        vars.append((byte) 'Q');
        vars.abandon();
        assertEquals(2, vars.count());
        assertEquals(List.of("CONTENT_LENGTH=1234567890123", "ZERO=0"), Fixtures.lines(vars));
        vars.clear();
        assertEquals(0, vars.blobLength());
        assertEquals(0, vars.uwsgiBlockSize());
    }

    @Test
    void writesTheUwsgiFormatAndRefusesBlocksOver65535() {
        RequestVars vars = new RequestVars();
        vars.add("AB", "xyz");
        ByteBuffer out = ByteBuffer.allocate(32);
        assertEquals(4 + 9, vars.writeUwsgiPacket(7, 9, out));
        assertArrayEquals(new byte[] {7, 9, 0, 9, 2, 0, 'A', 'B', 3, 0, 'x', 'y', 'z'}, Arrays.copyOf(out.array(), out.position()));
        assertEquals(java.nio.ByteOrder.BIG_ENDIAN, out.order(), "byte order restored");
        vars.add("BIG", "v".repeat(70000));
        assertThrows(IllegalStateException.class, () -> vars.writeUwsgiBlock(ByteBuffer.allocate(80000)));
    }
}
