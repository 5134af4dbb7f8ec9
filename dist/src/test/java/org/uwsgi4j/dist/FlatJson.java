package org.uwsgi4j.dist;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a flat JSON object whose members are all strings ({@code {"A": "x", "B": "\u00e9"}}),
 * what the app battery's fixture apps answer on {@code /env}; anything else is an
 * IllegalArgumentException naming where it went wrong. Enough JSON for that, no more.
 */
final class FlatJson {

    private final String text;
    private int at;

    private FlatJson(String text) {
        this.text = text;
    }

    static Map<String, String> parse(String text) {
        FlatJson p = new FlatJson(text);
        Map<String, String> members = new LinkedHashMap<>();
        p.expect('{');
        if (p.peek() != '}') {
            do {
                String name = p.string();
                p.expect(':');
                if (members.put(name, p.string()) != null) {
                    throw p.error("member " + name + " twice");
                }
            } while (p.take(','));
        }
        p.expect('}');
        if (p.peek() != 0) {
            throw p.error("text after the object");
        }
        return members;
    }

    private String string() {
        expect('"');
        StringBuilder s = new StringBuilder();
        for (char c; (c = next()) != '"'; ) {
            if (c < 0x20) {
                throw error("a control character in a string");
            }
            if (c != '\\') {
                s.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> s.append(e);
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw error("a short \\u escape");
                    }
                    s.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    at += 4;
                }
                default -> throw error("the escape \\" + e);
            }
        }
        return s.toString();
    }

    /** The next character that is not white space, not consumed; 0 at the end. */
    private char peek() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        return at < text.length() ? text.charAt(at) : 0;
    }

    private boolean take(char c) {
        if (peek() == c) {
            at++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!take(c)) {
            throw error("expected '" + c + "'");
        }
    }

    private char next() {
        if (at >= text.length()) {
            throw error("the text ended inside a string");
        }
        return text.charAt(at++);
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at offset " + at + " of " + text);
    }
}
