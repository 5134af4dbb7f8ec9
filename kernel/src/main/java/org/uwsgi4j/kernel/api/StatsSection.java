package org.uwsgi4j.kernel.api;

import java.util.Map;

/**
 * A section a plugin adds to the kernel's stats document ({@code --stats}), under its
 * {@link #name()}, after the kernel's own fields: the HTTP router's, for one.
 *
 * <p>Register it as an OSGi service (whiteboard); the kernel looks the sections up each time it
 * builds a document (nothing per request). Called on a stats client's thread: thread-safe and
 * quick. One that throws is left out of that document and logged in one line.
 */
public interface StatsSection {

    /** The section's key in the document ({@code http}); one that clashes with a kernel field is left out. */
    String name();

    /**
     * The section now: an object whose values are {@link Number}, {@link Boolean},
     * {@link CharSequence}, {@link java.util.List} or {@link Map} (keys: strings) of the same,
     * written in uWSGI's layout.
     */
    Map<String, Object> stats();
}
