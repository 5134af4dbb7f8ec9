package org.uwsgi4j.kernel.config;

/**
 * One entry of the list being assembled. Mutable only while the loader runs: the final
 * placeholder passes rewrite {@link #value} in place.
 */
final class Slot {

    final String key;
    String value;
    final Origin origin;
    /** Already acted on while reading (ini, include, set-ph, logic…): the final passes skip it. */
    final boolean consumed;
    /** Set with set-ph / set-placeholder: a placeholder, never an option. */
    final boolean placeholder;
    /** Read from an inherited template after the passes: the passes never saw it. */
    final boolean inherited;

    Slot(String key, String value, Origin origin, boolean consumed, boolean placeholder, boolean inherited) {
        this.key = key;
        this.value = value;
        this.origin = origin;
        this.consumed = consumed;
        this.placeholder = placeholder;
        this.inherited = inherited;
    }
}
