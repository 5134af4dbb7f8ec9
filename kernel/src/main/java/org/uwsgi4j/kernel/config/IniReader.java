package org.uwsgi4j.kernel.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one section of an ini file the way uWSGI does: {@code [section]} headers,
 * {@code key = value} lines with surrounding blanks stripped, {@code ;} and {@code #}
 * comment lines, a bare {@code key} meaning an empty value (true for a flag), and no
 * quoting, continuation or inline comments. A key may repeat; every occurrence is kept.
 * A section header without its closing {@code ]} is warned about, and the lines under it
 * belong to no section (uWSGI reads them into a section named without the last character).
 */
final class IniReader {

    private IniReader() {
    }

    /** The entries of {@code section} in {@code text}; {@code label} names the file in origins. */
    static ParsedSource read(String text, String section, String label) {
        List<RawEntry> entries = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        String current = "";
        boolean found = false;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = strip(lines[i]);
            if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) {
                    warnings.add(label + ":" + (i + 1) + ": malformed section header '" + line
                            + "' (no closing ']'): the lines under it belong to no section");
                    current = null;
                    continue;
                }
                current = line.substring(1, line.length() - 1);
                found |= current.equals(section);
                continue;
            }
            if (!section.equals(current)) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : strip(line.substring(0, eq));
            String value = eq < 0 ? "" : strip(line.substring(eq + 1));
            entries.add(new RawEntry(key, value, Origin.of(label, i + 1)));
        }
        return new ParsedSource(entries, found, warnings);
    }

    /** Strips spaces, tabs and carriage returns at both ends, as uWSGI's ini parser does. */
    private static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isBlank(s.charAt(start))) {
            start++;
        }
        while (end > start && isBlank(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
    }
}
