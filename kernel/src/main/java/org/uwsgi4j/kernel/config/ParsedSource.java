package org.uwsgi4j.kernel.config;

import java.util.List;

/**
 * What a config file reader found for the requested section.
 *
 * @param entries      the section's entries, in file order
 * @param sectionFound false when the file has no such section
 * @param warnings     lines the reader could not take as written ({@code app.ini:1: …}), logged at start
 */
record ParsedSource(List<RawEntry> entries, boolean sectionFound, List<String> warnings) {

    /** What a reader without warnings found. */
    ParsedSource(List<RawEntry> entries, boolean sectionFound) {
        this(entries, sectionFound, List.of());
    }
}
