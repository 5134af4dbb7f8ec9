package org.uwsgi4j.kernel.protocol;

/** Byte classes of RFC 9110/9112 as lookup tables. */
final class HttpChars {

    /** tchar: the bytes of a token (method, field name). */
    static final boolean[] TOKEN = new boolean[256];
    /** field-vchar and obs-text: the bytes a field value may hold besides SP and HTAB. */
    static final boolean[] FIELD_VCHAR = new boolean[256];
    /** The bytes a request-target may hold: visible ASCII and obs-text (no CTL, no SP). */
    static final boolean[] TARGET = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (int c = 'A'; c <= 'Z'; c++) {
            TOKEN[c] = true;
            TOKEN[c + 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
        for (int c = 0x21; c <= 0xff; c++) {
            FIELD_VCHAR[c] = c != 0x7f;
            TARGET[c] = c != 0x7f;
        }
    }

    private HttpChars() {
    }

    /** ASCII case-insensitive comparison of {@code b[from..from+lower.length())} with a lower-case literal. */
    static boolean equalsLower(byte[] b, int from, int to, String lower) {
        if (to - from != lower.length()) {
            return false;
        }
        for (int i = 0; i < lower.length(); i++) {
            int c = b[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }
}
