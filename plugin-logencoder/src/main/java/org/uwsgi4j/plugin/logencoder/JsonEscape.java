package org.uwsgi4j.plugin.logencoder;

import java.util.Arrays;

/**
 * Escapes any byte sequence into the inside of a JSON string (RFC 8259), so every line the
 * {@code json} encoder makes parses, whatever the app logged:
 *
 * <ul>
 * <li>{@code "} and {@code \} are escaped; the control characters U+0000–U+001F as {@code \b \f
 *     \n \r \t} or {@code \}{@code u00XX}, and DEL as {@code \}{@code u007f};</li>
 * <li>well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF) is copied as it is;</li>
 * <li>any other byte (invalid UTF-8: a stray continuation byte, a truncated or overlong sequence,
 *     a latin-1 byte) becomes {@code \}{@code u00XX}, the character with that byte's value, so
 *     nothing is lost and the output stays valid UTF-8.</li>
 * </ul>
 *
 * uWSGI's escaping ({@code escape_json}) leaves control characters and invalid UTF-8 as they
 * are, which makes lines no JSON parser reads (uWSGI issues #804 and #1293).
 */
final class JsonEscape {

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private JsonEscape() {
    }

    /** A growable byte buffer. */
    static final class Buffer {
        private byte[] bytes;
        private int len;

        Buffer(int capacity) {
            bytes = new byte[Math.max(16, capacity)];
        }

        void append(byte[] b) {
            append(b, 0, b.length);
        }

        void append(byte[] b, int off, int n) {
            ensure(n);
            System.arraycopy(b, off, bytes, len, n);
            len += n;
        }

        void append(byte b) {
            ensure(1);
            bytes[len++] = b;
        }

        void appendAscii(String s) {
            ensure(s.length());
            for (int i = 0; i < s.length(); i++) {
                bytes[len++] = (byte) s.charAt(i);
            }
        }

        private void ensure(int more) {
            if (len + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, len + more));
            }
        }

        byte[] toArray() {
            return Arrays.copyOf(bytes, len);
        }
    }

    /** Appends {@code src[off, off + n)} escaped to {@code out}. */
    static void append(byte[] src, int off, int n, Buffer out) {
        int end = off + n;
        int i = off;
        while (i < end) {
            int b = src[i] & 0xFF;
            if (b < 0x80) {
                int run = i;
                while (run < end && plain(src[run])) {
                    run++;
                }
                if (run > i) {
                    out.append(src, i, run - i);
                    i = run;
                    continue;
                }
                escapeAscii(b, out);
                i++;
                continue;
            }
            int seq = utf8Length(src, i, end);
            if (seq > 0) {
                out.append(src, i, seq);
                i += seq;
            } else {
                unicode(b, out);
                i++;
            }
        }
    }

    private static boolean plain(byte b) {
        return b >= 0x20 && b != '"' && b != '\\' && b != 0x7F;
    }

    private static void escapeAscii(int b, Buffer out) {
        switch (b) {
            case '"' -> out.appendAscii("\\\"");
            case '\\' -> out.appendAscii("\\\\");
            case '\n' -> out.appendAscii("\\n");
            case '\r' -> out.appendAscii("\\r");
            case '\t' -> out.appendAscii("\\t");
            case '\b' -> out.appendAscii("\\b");
            case '\f' -> out.appendAscii("\\f");
            default -> unicode(b, out);
        }
    }

    private static void unicode(int b, Buffer out) {
        out.appendAscii("\\u00");
        out.append(HEX[b >> 4]);
        out.append(HEX[b & 0xF]);
    }

    /** The length of the well-formed UTF-8 sequence starting at {@code i}, or 0 (RFC 3629 table). */
    static int utf8Length(byte[] s, int i, int end) {
        int b0 = s[i] & 0xFF;
        int n;
        int lo = 0x80;
        int hi = 0xBF;
        if (b0 >= 0xC2 && b0 <= 0xDF) {
            n = 2;
        } else if (b0 >= 0xE0 && b0 <= 0xEF) {
            n = 3;
            if (b0 == 0xE0) {
                lo = 0xA0;
            } else if (b0 == 0xED) {
                hi = 0x9F;
            }
        } else if (b0 >= 0xF0 && b0 <= 0xF4) {
            n = 4;
            if (b0 == 0xF0) {
                lo = 0x90;
            } else if (b0 == 0xF4) {
                hi = 0x8F;
            }
        } else {
            return 0;
        }
        if (i + n > end) {
            return 0;
        }
        int b1 = s[i + 1] & 0xFF;
        if (b1 < lo || b1 > hi) {
            return 0;
        }
        for (int k = 2; k < n; k++) {
            int bk = s[i + k] & 0xFF;
            if (bk < 0x80 || bk > 0xBF) {
                return 0;
            }
        }
        return n;
    }
}
