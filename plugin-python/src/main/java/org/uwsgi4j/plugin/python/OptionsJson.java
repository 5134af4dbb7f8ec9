package org.uwsgi4j.plugin.python;

import java.util.List;
import java.util.Map;

/** Pairs as a JSON array of {@code [name, value]} arrays, in order: the mounts for the worker host. */
final class OptionsJson {

    private OptionsJson() {
    }

    static String encode(List<Map.Entry<String, String>> entries) {
        StringBuilder json = new StringBuilder("[");
        for (Map.Entry<String, String> e : entries) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('[');
            string(json, e.getKey());
            json.append(',');
            string(json, e.getValue() == null ? "true" : e.getValue());
            json.append(']');
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
