package org.uwsgi4j.kernel.statics;

/**
 * One byte range of a {@code Range: bytes=...} header against a file of a known size
 * (RFC 9110 §14): {@code a-b}, {@code a-} or {@code -n}. Several ranges, another unit or a
 * malformed header are {@link #IGNORED} (the whole file is sent, as the RFC allows); a
 * well-formed range that starts past the end is {@link #UNSATISFIABLE} (416).
 *
 * @param first first byte, inclusive
 * @param last  last byte, inclusive
 */
record ByteRange(long first, long last) {

    static final ByteRange IGNORED = new ByteRange(-1, -1);
    static final ByteRange UNSATISFIABLE = new ByteRange(-2, -2);

    long length() {
        return last - first + 1;
    }

    /** The range {@code header} asks of a file of {@code size} bytes. */
    static ByteRange parse(String header, long size) {
        if (header == null) {
            return IGNORED;
        }
        String h = header.strip();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return IGNORED;
        }
        String spec = h.substring(6).strip();
        if (spec.indexOf(',') >= 0) {
            return IGNORED;
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return IGNORED;
        }
        String from = spec.substring(0, dash).strip();
        String to = spec.substring(dash + 1).strip();
        try {
            if (from.isEmpty()) {
                if (!digits(to)) {
                    return IGNORED;
                }
                long suffix = Long.parseLong(to);
                if (suffix == 0 || size == 0) {
                    return UNSATISFIABLE;
                }
                return new ByteRange(Math.max(0, size - suffix), size - 1);
            }
            if (!digits(from) || (!to.isEmpty() && !digits(to))) {
                return IGNORED;
            }
            long first = Long.parseLong(from);
            long last = to.isEmpty() ? Long.MAX_VALUE : Long.parseLong(to);
            if (last < first) {
                return IGNORED;
            }
            if (first >= size) {
                return UNSATISFIABLE;
            }
            return new ByteRange(first, Math.min(last, size - 1));
        } catch (NumberFormatException e) {
            return IGNORED; // more digits than a long holds
        }
    }

    private static boolean digits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
