package org.uwsgi4j.kernel.plugin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code uwsgi4j.plugin} capability out of a raw {@code Provide-Capability} header,
 * for jars that are not installed (an installed bundle's capability is read from its
 * BundleRevision instead). Understands the OSGi header grammar as bnd writes it: clauses
 * separated by commas, parameters by semicolons, quoted values, typed attributes
 * ({@code name:Type=value}), and {@code List<String>} values split at commas.
 */
final class PluginCapability {

    static final String NAMESPACE = "uwsgi4j.plugin";

    private PluginCapability() {
    }

    /** The attributes of the plugin capability in {@code header}, or empty if it has none. */
    static Optional<Map<String, Object>> parse(String header) {
        if (header == null) {
            return Optional.empty();
        }
        for (String clause : split(header, ',')) {
            List<String> params = split(clause, ';');
            if (params.isEmpty() || !params.getFirst().strip().equals(NAMESPACE)) {
                continue;
            }
            Map<String, Object> attrs = new LinkedHashMap<>();
            for (String param : params.subList(1, params.size())) {
                int eq = param.indexOf('=');
                if (eq < 0 || param.startsWith(":=", eq - 1)) {
                    continue; // a directive, or junk
                }
                String key = param.substring(0, eq).strip();
                String value = unquote(param.substring(eq + 1).strip());
                String type = "String";
                int colon = key.indexOf(':');
                if (colon >= 0) {
                    type = key.substring(colon + 1).strip();
                    key = key.substring(0, colon).strip();
                }
                attrs.put(key, typed(type, value));
            }
            return Optional.of(attrs);
        }
        return Optional.empty();
    }

    private static Object typed(String type, String value) {
        return switch (type) {
            case "Long" -> Long.parseLong(value.strip());
            case "List<String>" -> value.isBlank() ? List.of()
                    : split(value, ',').stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            default -> value;
        };
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    /** Splits at {@code sep} outside double quotes. */
    private static List<String> split(String s, char sep) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == sep && !quoted) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts;
    }
}
