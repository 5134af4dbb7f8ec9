package org.uwsgi4j.kernel.config;

import java.util.List;
import java.util.Objects;

/**
 * One option as data, the Java counterpart of uWSGI's {@code struct uwsgi_option}: its
 * canonical name, aliases, short flag, argument kind, value type, whether it accumulates,
 * default, help text and the plugin that owns it ("core" for the kernel).
 *
 * @param name        canonical name, as {@code --show-config} prints it
 * @param aliases     other names accepted for it (never printed)
 * @param shortFlag   single-letter flag ({@code -s}), or 0 for none
 * @param argument    whether a value is none, optional or required
 * @param type        how a value is validated
 * @param repeatable  true when every occurrence accumulates (socket, mount, cron…)
 * @param defaultValue the value when not given, or null
 * @param help        one line of help text
 * @param owner       the owning plugin's name, {@code core} for the kernel
 */
public record OptionSpec(String name, List<String> aliases, char shortFlag, Argument argument,
                         ValueType type, boolean repeatable, String defaultValue, String help,
                         String owner) {

    /** The owner name of the kernel's own options. */
    public static final String CORE = "core";

    public OptionSpec {
        Objects.requireNonNull(name, "name");
        aliases = List.copyOf(aliases);
        Objects.requireNonNull(argument, "argument");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(owner, "owner");
    }

    /** Whether a value may be given. */
    public enum Argument {
        /** A flag: {@code --master}; a value, if given anyway, is read as a boolean. */
        NONE,
        /** {@code --chmod-socket} or {@code --chmod-socket=660}. */
        OPTIONAL,
        /** {@code --processes 4}. */
        REQUIRED
    }

    /** How a value is checked before the kernel binds it. */
    public enum ValueType {
        /** Any string. */
        STRING,
        /** A decimal integer (may be negative). */
        INT,
        /** true/false/yes/no/on/off/1/0. */
        BOOL
    }
}
