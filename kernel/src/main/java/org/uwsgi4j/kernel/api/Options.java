package org.uwsgi4j.kernel.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The resolved configuration of this instance: the ordered (option, value) list that the
 * configuration pipeline produced from the command line, config files and environment.
 *
 * <p>Registered as a service by the kernel once the configuration is read; it never changes
 * afterwards (a reload re-execs the configuration into a new instance of this service).
 * Names may be given canonically or by any alias; values are strings as the user wrote
 * them after placeholder expansion, and a flag given without a value has the value "true".
 */
public interface Options {

    /** Every (canonical option name, value) pair, in resolution order. */
    List<Map.Entry<String, String>> entries();

    /** The last value given for {@code name}, or its declared default, or empty. */
    Optional<String> value(String name);

    /** Every value given for {@code name}, in order (repeatable options accumulate). */
    List<String> values(String name);

    /** True when {@code name} is set to a true boolean (true/yes/on/1 or the bare flag). */
    boolean isTrue(String name);
}
