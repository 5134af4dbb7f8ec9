package org.uwsgi4j.plugin.psgi;

import java.util.List;

/** Lists of strings as JSON arrays, for the worker host's variables (it reads them with JSON::PP). */
final class Json {

    private Json() {
    }

    /** {@code ["a","b"]}. */
    static String strings(List<String> values) {
        StringBuilder json = new StringBuilder("[");
        for (String v : values) {
            if (json.length() > 1) {
                json.append(',');
            }
            string(json, v);
        }
        return json.append(']').toString();
    }

    /** {@code [["a","b"],["c","d"]]}: pairs. */
    static String pairs(List<List<String>> pairs) {
        StringBuilder json = new StringBuilder("[");
        for (List<String> pair : pairs) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(strings(pair));
        }
        return json.append(']').toString();
    }

    private static void string(StringBuilder json, String s) {
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
