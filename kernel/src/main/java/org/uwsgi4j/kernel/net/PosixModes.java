package org.uwsgi4j.kernel.net;

/** Octal file modes as uWSGI's {@code --chmod-socket} takes them ({@code 660}, {@code 0666}). */
final class PosixModes {

    private PosixModes() {
    }

    /** Parses an octal mode; -1 when it is not one. */
    static int parse(String text) {
        if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(c -> c >= '0' && c <= '7')) {
            return -1;
        }
        return Integer.parseInt(text, 8);
    }

    /** {@code 0660} → {@code rw-rw----}. */
    static String toString(int mode) {
        StringBuilder s = new StringBuilder(9);
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = (mode >> shift) & 7;
            s.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-').append((bits & 1) != 0 ? 'x' : '-');
        }
        return s.toString();
    }
}
