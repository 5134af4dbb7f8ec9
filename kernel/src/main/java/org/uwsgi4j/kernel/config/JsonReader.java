package org.uwsgi4j.kernel.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one section of a JSON config file: the top-level object's member named after the
 * section is an object of options. As in uWSGI, a string is its value, a number is its
 * text, {@code true} is {@code 1}, {@code false} and {@code null} are {@code 0}, and an
 * array gives one entry per element. A hand-written recursive-descent parser, no library.
 */
final class JsonReader {

    private final String text;
    private final String label;
    private int pos;
    private int line = 1;

    private JsonReader(String text, String label) {
        this.text = text;
        this.label = label;
    }

    /** The entries of {@code section} in {@code text}; malformed JSON is a ConfigException. */
    static ParsedSource read(String text, String section, String label) throws ConfigException {
        return new JsonReader(text, label).document(section);
    }

    private ParsedSource document(String section) throws ConfigException {
        List<RawEntry> entries = new ArrayList<>();
        boolean found = false;
        skipBlanks();
        expect('{');
        skipBlanks();
        if (peek() == '}') {
            pos++;
            return new ParsedSource(entries, false);
        }
        while (true) {
            skipBlanks();
            String name = string();
            skipBlanks();
            expect(':');
            skipBlanks();
            if (name.equals(section) && peek() == '{') {
                found = true;
                options(entries);
            } else {
                skipValue();
            }
            skipBlanks();
            if (peek() == ',') {
                pos++;
                continue;
            }
            expect('}');
            break;
        }
        skipBlanks();
        if (pos < text.length()) {
            throw error("unexpected text after the top-level object");
        }
        return new ParsedSource(entries, found);
    }

    private void options(List<RawEntry> entries) throws ConfigException {
        expect('{');
        skipBlanks();
        if (peek() == '}') {
            pos++;
            return;
        }
        while (true) {
            skipBlanks();
            int keyLine = line;
            String key = string();
            skipBlanks();
            expect(':');
            skipBlanks();
            if (peek() == '[') {
                pos++;
                skipBlanks();
                if (peek() == ']') {
                    pos++;
                } else {
                    while (true) {
                        skipBlanks();
                        int itemLine = line;
                        entries.add(new RawEntry(key, scalar(key), Origin.of(label, itemLine)));
                        skipBlanks();
                        if (peek() == ',') {
                            pos++;
                            continue;
                        }
                        expect(']');
                        break;
                    }
                }
            } else {
                entries.add(new RawEntry(key, scalar(key), Origin.of(label, keyLine)));
            }
            skipBlanks();
            if (peek() == ',') {
                pos++;
                continue;
            }
            expect('}');
            return;
        }
    }

    private String scalar(String key) throws ConfigException {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '{' || c == '[') {
            throw error("option '" + key + "' has a nested " + (c == '{' ? "object" : "array") + ", which uWSGI does not accept");
        }
        String word = word();
        return switch (word) {
            case "true" -> "1";
            case "false", "null" -> "0";
            default -> {
                if (!word.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
                    throw error("invalid value '" + word + "' for option '" + key + "'");
                }
                yield word;
            }
        };
    }

    private void skipValue() throws ConfigException {
        char c = peek();
        if (c == '"') {
            string();
        } else if (c == '{' || c == '[') {
            char close = c == '{' ? '}' : ']';
            pos++;
            skipBlanks();
            if (peek() == close) {
                pos++;
                return;
            }
            while (true) {
                skipBlanks();
                if (c == '{') {
                    string();
                    skipBlanks();
                    expect(':');
                    skipBlanks();
                }
                skipValue();
                skipBlanks();
                if (peek() == ',') {
                    pos++;
                    continue;
                }
                expect(close);
                return;
            }
        } else {
            word();
        }
    }

    private String word() throws ConfigException {
        int start = pos;
        while (pos < text.length() && "{}[],: \t\r\n\"".indexOf(text.charAt(pos)) < 0) {
            pos++;
        }
        if (start == pos) {
            throw error("expected a value");
        }
        return text.substring(start, pos);
    }

    private String string() throws ConfigException {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\n') {
                throw error("newline inside a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("truncated \\u escape");
                    }
                    try {
                        out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw error("invalid \\u escape");
                    }
                    pos += 4;
                }
                default -> throw error("invalid escape \\" + e);
            }
        }
    }

    private void skipBlanks() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void expect(char c) throws ConfigException {
        if (peek() != c) {
            throw error(pos < text.length() ? "expected '" + c + "' but found '" + peek() + "'" : "expected '" + c + "' but the file ended");
        }
        pos++;
    }

    private ConfigException error(String what) {
        return new ConfigException(Origin.of(label, line) + ": invalid JSON: " + what);
    }
}
