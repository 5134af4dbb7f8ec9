package org.uwsgi4j.kernel.net;

import java.util.List;
import org.uwsgi4j.kernel.api.Options;

/**
 * {@code --add-header "Name: value"} (repeatable): header lines uWSGI's core writer appends to
 * every response it writes, after the app's own headers, in the order given. Checked once at
 * start: each must be {@code Name: value} with a token name (uWSGI writes any text as a line,
 * which breaks the response; uwsgi4j refuses the start instead).
 *
 * @param lines the header lines, each ending in CRLF ("" for none)
 * @param count how many
 */
record AddedHeaders(String lines, int count) {

    /** No {@code --add-header}: the writers add nothing. */
    static final AddedHeaders NONE = new AddedHeaders("", 0);

    /**
     * The headers {@code options} add.
     *
     * @throws IllegalArgumentException naming the value, in one line
     */
    static AddedHeaders fromOptions(Options options) {
        List<String> values = options.values("add-header");
        if (values.isEmpty()) {
            return NONE;
        }
        StringBuilder lines = new StringBuilder();
        for (String value : values) {
            int colon = value.indexOf(':');
            String name = colon < 0 ? "" : value.substring(0, colon);
            String text = colon < 0 ? "" : value.substring(colon + 1).strip();
            if (!token(name) || !clean(text)) {
                throw new IllegalArgumentException("add-header \"" + value + "\": not a \"Name: value\" header line");
            }
            lines.append(name).append(": ").append(text).append("\r\n");
        }
        return new AddedHeaders(lines.toString(), values.size());
    }

    /** Bytes of the lines (ISO-8859-1), CRLFs included. */
    int bytes() {
        return lines.length();
    }

    private static boolean token(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean clean(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || c > 255) {
                return false;
            }
        }
        return true;
    }
}
