package org.uwsgi4j.kernel.statics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * File extension to Content-Type, read from mime.types files ({@code --mimefile}, default
 * {@code /etc/mime.types}, Debian's {@code media-types}) as uWSGI does: each line is a type
 * followed by its extensions; the first file and line naming an extension wins. The extension
 * of a name is what follows its last dot when only letters and digits follow it (uWSGI's rule).
 */
public final class MimeTypes {

    private final Map<String, String> byExtension;

    private MimeTypes(Map<String, String> byExtension) {
        this.byExtension = byExtension;
    }

    /** No types at all: no Content-Type is sent. */
    public static MimeTypes none() {
        return new MimeTypes(Map.of());
    }

    /** The types of {@code files}, in order; the first one naming an extension wins. */
    public static MimeTypes read(Iterable<Path> files) throws IOException {
        Map<String, String> map = new HashMap<>();
        for (Path file : files) {
            for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                addLine(map, line);
            }
        }
        return new MimeTypes(Map.copyOf(map));
    }

    /** Parses one mime.types line into {@code map} (first mention of an extension kept). */
    static void addLine(Map<String, String> map, String line) {
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) {
            return;
        }
        String[] words = s.split("\\s+");
        for (int i = 1; i < words.length; i++) {
            map.putIfAbsent(words[i].toLowerCase(Locale.ROOT), words[0]);
        }
    }

    /** How many extensions are known (uWSGI's {@code N entry found}). */
    public int size() {
        return byExtension.size();
    }

    /** The type of file {@code name}, or null when its extension is unknown or it has none. */
    public String of(String name) {
        int i = name.length() - 1;
        while (i >= 0 && Character.isLetterOrDigit(name.charAt(i))) {
            i--;
        }
        if (i < 0 || name.charAt(i) != '.' || i == name.length() - 1) {
            return null;
        }
        String type = byExtension.get(name.substring(i + 1));
        return type != null ? type : byExtension.get(name.substring(i + 1).toLowerCase(Locale.ROOT));
    }
}
