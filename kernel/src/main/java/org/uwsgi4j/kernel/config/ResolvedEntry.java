package org.uwsgi4j.kernel.config;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One entry of the resolved configuration.
 *
 * @param key         the name as the user wrote it (an alias stays an alias), as
 *                    {@code --show-config} prints it
 * @param name        the canonical name when the key is a known option, else the key
 * @param value       the value after placeholders, or null for a flag given on the command
 *                    line without a value
 * @param origin      where it was written
 * @param spec        the option it is bound to; empty for a placeholder or unknown option
 * @param placeholder true when it was set with set-ph / set-placeholder
 */
public record ResolvedEntry(String key, String name, String value, Origin origin,
                            Optional<OptionSpec> spec, boolean placeholder) {

    private static final Set<String> TRUE = Set.of("true", "yes", "on", "1");
    private static final Set<String> FALSE = Set.of("false", "no", "off", "0");

    /** True when the key is a declared option of the kernel or of a plugin. */
    public boolean known() {
        return spec.isPresent();
    }

    /**
     * The value as options read it: a flag without a value (null, or an empty value for a
     * boolean option, as a bare {@code master} line in an ini) is "true".
     */
    public String effectiveValue() {
        if (value == null) {
            return "true";
        }
        if (value.isEmpty() && spec.map(s -> s.type() == OptionSpec.ValueType.BOOL).orElse(false)) {
            return "true";
        }
        return value;
    }

    /** Whether {@code value} spells a true boolean (true/yes/on/1, any case, or a bare flag). */
    static boolean isTrueValue(String value) {
        return value == null || value.isEmpty() || TRUE.contains(value.strip().toLowerCase(Locale.ROOT));
    }

    /** Whether {@code value} is one of the boolean spellings (or a bare flag). */
    static boolean isBooleanValue(String value) {
        if (value == null || value.isEmpty()) {
            return true;
        }
        String v = value.strip().toLowerCase(Locale.ROOT);
        return TRUE.contains(v) || FALSE.contains(v);
    }
}
