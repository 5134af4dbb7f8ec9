package org.uwsgi4j.kernel.config;

/**
 * One (key, value) pair as a source produced it, before logic and placeholders.
 *
 * @param key    the option name as written
 * @param value  the value as written, or null for a flag given without one
 * @param origin where it was written
 */
record RawEntry(String key, String value, Origin origin) {

    RawEntry withValue(String newValue) {
        return new RawEntry(key, newValue, origin);
    }
}
