package org.uwsgi4j.kernel.config;

import java.util.List;

/**
 * What a config file reader found for the requested section.
 *
 * @param entries      the section's entries, in file order
 * @param sectionFound false when the file has no such section
 */
record ParsedSource(List<RawEntry> entries, boolean sectionFound) {
}
