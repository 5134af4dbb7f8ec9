package org.uwsgi4j.dist.osgi;

import java.util.Arrays;
import java.util.List;

/**
 * One data row of the {@code uwsgi:plugins} table (columns separated by two or more spaces; a
 * cell such as {@code 101 (not registered)} holds single spaces).
 *
 * @param name      the plugin name
 * @param version   the plugin version
 * @param state     {@code available} (found in plugins/, not installed) or the bundle state
 * @param modifier1 the modifier, {@code -}, or {@code N (not registered)}
 * @param options   the canonical option names in declared order; empty for {@code -}
 *                  (the last column, FROM, the jar's path, is not kept)
 */
record PluginRow(String name, String version, String state, String modifier1, List<String> options) {

    static List<PluginRow> parse(String table) {
        List<String> lines = table.lines().toList();
        if (lines.isEmpty() || !lines.getFirst().matches("NAME\\s+VERSION\\s+STATE\\s+MODIFIER1\\s+OPTIONS\\s+FROM")) {
            throw new AssertionError("not a uwsgi:plugins table:\n" + table);
        }
        return lines.stream().skip(1).map(line -> {
            String[] cells = line.split("\\s{2,}", 6);
            if (cells.length != 6) {
                throw new AssertionError("row without 6 columns: '" + line + "' in\n" + table);
            }
            List<String> options = cells[4].equals("-") ? List.of() : Arrays.asList(cells[4].split(","));
            return new PluginRow(cells[0], cells[1], cells[2], cells[3], options);
        }).toList();
    }
}
