package org.uwsgi4j.kernel.api;

import java.time.Duration;
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
 *
 * <p>The typed getters ({@link #intValue}, {@link #number}, {@link #seconds}) read an integer
 * option as uWSGI's zeroed option struct does: the value given, else the default its option
 * table declares, else 0. The configuration refuses a value that is no integer for an option
 * declared {@code int}, so they only throw for an option declared otherwise.
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

    /**
     * The integer option {@code name}: its value, else its declared default, else 0.
     *
     * @throws NumberFormatException when the value is no {@code int}
     */
    default int intValue(String name) {
        return value(name).map(String::strip).filter(v -> !v.isEmpty()).map(Integer::parseInt).orElse(0);
    }

    /**
     * The integer option {@code name} as a {@code long} (sizes in bytes): its value, else its
     * declared default, else 0.
     *
     * @throws NumberFormatException when the value is no {@code long}
     */
    default long number(String name) {
        return value(name).map(String::strip).filter(v -> !v.isEmpty()).map(Long::parseLong).orElse(0L);
    }

    /**
     * The option {@code name} given in whole seconds ({@code --harakiri 30}): {@link #intValue}
     * seconds, so {@link Duration#ZERO} when neither given nor declared with a default.
     */
    default Duration seconds(String name) {
        return Duration.ofSeconds(intValue(name));
    }
}
