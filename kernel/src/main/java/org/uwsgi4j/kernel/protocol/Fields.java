package org.uwsgi4j.kernel.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Text payloads of the worker protocol: latin-1 strings, each followed by one NUL byte
 * ({@code "a\0b\0"} is the fields {@code a} and {@code b}; an empty payload has no fields).
 * A worker splits them with one C-level call.
 */
public final class Fields {

    private Fields() {
    }

    /**
     * Encodes {@code fields}. A character outside latin-1 becomes {@code ?}.
     *
     * @throws IllegalArgumentException when a field contains a NUL character
     */
    public static byte[] encode(String... fields) {
        return encode(List.of(fields));
    }

    /** As {@link #encode(String...)}. */
    public static byte[] encode(List<String> fields) {
        int size = 0;
        for (String f : fields) {
            size += f.length() + 1;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (String f : fields) {
            if (f.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("a field contains a NUL character: " + f.replace('\0', '?'));
            }
            byte[] b = f.getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(b, 0, out, at, b.length);
            at += b.length + 1;
        }
        return out;
    }

    /**
     * Decodes the fields from the payload's position to its limit, without moving the position.
     * Bytes after the last NUL (a malformed payload) are one more field.
     */
    public static List<String> decode(ByteBuffer payload) {
        int from = payload.position();
        int to = payload.limit();
        String s;
        if (payload.hasArray()) {
            s = new String(payload.array(), payload.arrayOffset() + from, to - from, StandardCharsets.ISO_8859_1);
        } else {
            byte[] b = new byte[to - from];
            payload.get(from, b);
            s = new String(b, StandardCharsets.ISO_8859_1);
        }
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int nul; (nul = s.indexOf('\0', start)) >= 0; start = nul + 1) {
            out.add(s.substring(start, nul));
        }
        if (start < s.length()) {
            out.add(s.substring(start));
        }
        return out;
    }
}
