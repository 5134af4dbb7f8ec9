package org.uwsgi4j.plugin.rack;

import java.nio.file.Path;
import java.util.List;

/** {@code --mount MOUNTPOINT=APP} values of rack apps (uWSGI splits at the first {@code =}). */
final class Mounts {

    private Mounts() {
    }

    /**
     * The mounts as JSON {@code [[mountpoint, file], ...]} for the worker host, each file made
     * absolute against {@code cwd}.
     */
    static String json(List<String> mounts, Path cwd) {
        StringBuilder json = new StringBuilder("[");
        for (String m : mounts) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('[');
            string(json, point(m));
            json.append(',');
            string(json, cwd.resolve(target(m)).toString());
            json.append(']');
        }
        return json.append(']').toString();
    }

    static String point(String mount) {
        int eq = mount.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("mount " + mount + ": expected MOUNTPOINT=APP");
        }
        return mount.substring(0, eq);
    }

    static String target(String mount) {
        return mount.substring(point(mount).length() + 1);
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
