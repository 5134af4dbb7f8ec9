package org.uwsgi4j.plugin.logencoder;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A strict RFC 8259 checker for the tests' JSON lines: UTF-8 only, one object of strings and
 * integers, no raw control characters, only the escapes JSON has. Throws on anything else.
 */
final class StrictJson {

    private final String s;
    private int i;

    private StrictJson(String s) {
        this.s = s;
    }

    static void parseObject(byte[] bytes) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new AssertionError("not UTF-8: " + e);
        }
        var p = new StrictJson(text);
        p.object();
        if (p.i != text.length()) {
            throw new AssertionError("trailing text at " + p.i + ": " + text);
        }
    }

    private void object() {
        expect('{');
        if (peek() == '}') {
            i++;
            return;
        }
        while (true) {
            string();
            expect(':');
            if (peek() == '"') {
                string();
            } else {
                number();
            }
            if (peek() == ',') {
                i++;
                continue;
            }
            expect('}');
            return;
        }
    }

    private void number() {
        int start = i;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '-')) {
            i++;
        }
        if (i == start) {
            throw new AssertionError("value expected at " + i + ": " + s);
        }
    }

    private void string() {
        expect('"');
        while (true) {
            if (i >= s.length()) {
                throw new AssertionError("unterminated string: " + s);
            }
            char c = s.charAt(i++);
            if (c == '"') {
                return;
            }
            if (c < 0x20) {
                throw new AssertionError("raw control character " + (int) c + " at " + (i - 1) + ": " + s);
            }
            if (c == '\\') {
                char e = s.charAt(i++);
                if (e == 'u') {
                    Integer.parseInt(s.substring(i, i + 4), 16);
                    i += 4;
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    throw new AssertionError("bad escape \\" + e + ": " + s);
                }
            }
        }
    }

    private char peek() {
        return i < s.length() ? s.charAt(i) : 0;
    }

    private void expect(char c) {
        if (peek() != c) {
            throw new AssertionError("'" + c + "' expected at " + i + ": " + s);
        }
        i++;
    }
}
