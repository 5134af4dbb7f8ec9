package org.uwsgi4j.kernel.shell;

import java.util.List;

/** Renders rows of cells as left-aligned columns separated by two spaces. */
public final class Table {

    private Table() {
    }

    public static String render(List<String[]> rows) {
        int columns = rows.getFirst().length;
        int[] width = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns - 1; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                out.append(i < columns - 1 ? String.format("%-" + width[i] + "s  ", row[i]) : row[i]);
            }
            out.append('\n');
        }
        return out.toString().stripTrailing();
    }
}
