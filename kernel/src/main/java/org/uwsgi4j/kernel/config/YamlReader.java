package org.uwsgi4j.kernel.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one section of a YAML config file, the subset uWSGI's own parser understands:
 *
 * <pre>
 * uwsgi:                 # a section: a key at column 0
 *   socket: :3031        # an option: an indented "key: value"
 *   socket: :3032        # keys may repeat
 *   master: true
 *   env:                 # a key with no value, followed by "- item" lines,
 *     - A=1              #   gives one entry per item
 *     - B=2
 * </pre>
 *
 * Full-line comments, {@code " #"} inline comments and surrounding single or double quotes
 * are removed; {@code ---} and {@code ...} document markers are ignored. Anchors, flow
 * collections, block scalars and deeper nesting are not YAML uWSGI reads, nor is it here.
 */
final class YamlReader {

    private YamlReader() {
    }

    /** The entries of {@code section} in {@code text}; {@code label} names the file in origins. */
    static ParsedSource read(String text, String section, String label) throws ConfigException {
        List<RawEntry> entries = new ArrayList<>();
        String current = null;
        boolean found = false;
        String listKey = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String raw = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.equals("---") || line.equals("...")) {
                continue;
            }
            Origin origin = Origin.of(label, i + 1);
            if (!Character.isWhitespace(raw.charAt(0))) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    throw new ConfigException(origin + ": invalid YAML: expected 'name:' at the start of a section");
                }
                current = line.substring(0, colon).strip();
                found |= current.equals(section);
                listKey = null;
                continue;
            }
            if (!section.equals(current)) {
                continue;
            }
            if (line.equals("-") || line.startsWith("- ")) {
                if (listKey == null) {
                    throw new ConfigException(origin + ": invalid YAML: list item without an option name above it");
                }
                entries.add(new RawEntry(listKey, scalar(line.substring(1)), origin));
                continue;
            }
            int colon = keyEnd(line);
            if (colon < 0) {
                throw new ConfigException(origin + ": invalid YAML: expected 'option: value'");
            }
            String key = line.substring(0, colon).strip();
            String value = scalar(line.substring(colon + 1));
            if (value.isEmpty()) {
                listKey = key;
            } else {
                listKey = null;
                entries.add(new RawEntry(key, value, origin));
            }
        }
        return new ParsedSource(entries, found);
    }

    /** The colon ending the key: the first one followed by a blank or the end of the line. */
    private static int keyEnd(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == ':' && (i + 1 == line.length() || line.charAt(i + 1) == ' ' || line.charAt(i + 1) == '\t')) {
                return i;
            }
        }
        return -1;
    }

    private static String scalar(String s) {
        String v = s.strip();
        if (v.length() >= 2 && (v.charAt(0) == '"' || v.charAt(0) == '\'')) {
            int close = v.indexOf(v.charAt(0), 1);
            if (close > 0) {
                return v.substring(1, close);
            }
        }
        int comment = v.indexOf(" #");
        if (comment >= 0) {
            v = v.substring(0, comment);
        }
        int tab = v.indexOf("\t#");
        if (tab >= 0) {
            v = v.substring(0, tab);
        }
        return v.strip();
    }
}
