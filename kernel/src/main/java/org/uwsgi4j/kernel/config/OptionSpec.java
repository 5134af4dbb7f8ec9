package org.uwsgi4j.kernel.config;

import java.util.List;
import java.util.Objects;

/**
 * One option as data, the Java counterpart of uWSGI's {@code struct uwsgi_option}: its
 * canonical name, aliases, short flag, argument kind, value type, whether it accumulates,
 * default, help text, the plugin that owns it ("core" for the kernel) and its status: whether
 * uwsgi4j implements it (and which tests show it), implies it, or refuses it at start.
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
 * @param status      implemented (by tests), implied, or refused at start
 */
public record OptionSpec(String name, List<String> aliases, char shortFlag, Argument argument,
                         ValueType type, boolean repeatable, String defaultValue, String help,
                         String owner, Status status) {

    /** The owner name of the kernel's own options. */
    public static final String CORE = "core";

    public OptionSpec {
        Objects.requireNonNull(name, "name");
        aliases = List.copyOf(aliases);
        Objects.requireNonNull(argument, "argument");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(status, "status");
    }

    /** True when the configuration must refuse this option at start ({@link Status.Kind#REFUSED}). */
    public boolean refused() {
        return status.kind() == Status.Kind.REFUSED;
    }

    /**
     * What uwsgi4j does with an option, the status column of the option tables:
     * {@code implemented:TestA,TestB} (it works, and these test classes exercise it),
     * {@code implied} (always so in uwsgi4j; the help text says why, after "implied:"), or
     * {@code refused} (the start fails with one line: the option is not supported yet).
     *
     * @param kind  which of the three
     * @param tests for IMPLEMENTED, the simple names of the test classes that exercise it (at
     *              least one); empty otherwise
     */
    public record Status(Kind kind, List<String> tests) {

        /** The three statuses an option may have. */
        public enum Kind { IMPLEMENTED, IMPLIED, REFUSED }

        public Status {
            Objects.requireNonNull(kind, "kind");
            tests = List.copyOf(tests);
            if ((kind == Kind.IMPLEMENTED) == tests.isEmpty()) {
                throw new IllegalArgumentException(kind == Kind.IMPLEMENTED
                        ? "implemented needs the test classes that exercise it (implemented:TestA,TestB)"
                        : kind.name().toLowerCase(java.util.Locale.ROOT) + " takes no test classes");
            }
        }

        /** An implied option. */
        public static final Status IMPLIED = new Status(Kind.IMPLIED, List.of());

        /** A refused option. */
        public static final Status REFUSED = new Status(Kind.REFUSED, List.of());

        /** An implemented option exercised by {@code tests}. */
        public static Status implemented(String... tests) {
            return new Status(Kind.IMPLEMENTED, List.of(tests));
        }

        /** The column as written: {@code implemented:A,B}, {@code implied} or {@code refused}. */
        public static Status parse(String column) {
            return switch (column) {
                case "implied" -> IMPLIED;
                case "refused" -> REFUSED;
                default -> {
                    if (!column.startsWith("implemented:")) {
                        throw new IllegalArgumentException("status must be implemented:TestA,TestB, implied or refused: " + column);
                    }
                    String list = column.substring("implemented:".length());
                    if (list.isEmpty() || !list.matches("[A-Za-z_$][\\w$]*(,[A-Za-z_$][\\w$]*)*")) {
                        throw new IllegalArgumentException("implemented needs test class names separated by commas: " + column);
                    }
                    yield new Status(Kind.IMPLEMENTED, List.of(list.split(",")));
                }
            };
        }

        /** The column as it is written in the option tables. */
        @Override
        public String toString() {
            return kind == Kind.IMPLEMENTED ? "implemented:" + String.join(",", tests) : kind.name().toLowerCase(java.util.Locale.ROOT);
        }
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
