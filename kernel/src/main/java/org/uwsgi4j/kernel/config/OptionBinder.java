package org.uwsgi4j.kernel.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Binds each assembled entry to its option spec and checks it: an INT option's value must
 * be a decimal integer, a BOOL option's one of true/false/yes/no/on/off/1/0 (any case) or
 * empty. An option whose status is {@code refused}, and a real uWSGI option no bundle
 * declares, end the start: {@code uwsgi4j: option --route is not supported yet (app.ini:3)}.
 * Other unknown keys are kept; when {@code strict} is set anywhere, the first unknown key
 * (a set-ph placeholder excepted) is an error.
 */
final class OptionBinder {

    private final OptionCatalog catalog;

    OptionBinder(OptionCatalog catalog) {
        this.catalog = catalog;
    }

    List<ResolvedEntry> bind(List<Slot> slots) throws ConfigException {
        List<ResolvedEntry> out = new ArrayList<>(slots.size());
        for (Slot s : slots) {
            Optional<OptionSpec> spec = s.placeholder ? Optional.empty() : catalog.find(s.key);
            if (spec.isPresent()) {
                if (spec.get().refused()) {
                    throw ConfigException.notSupported(s.origin, s.key);
                }
                check(s, spec.get());
            } else if (!s.placeholder && catalog.undeclaredUwsgiOption(s.key)) {
                throw ConfigException.notSupported(s.origin, s.key);
            }
            out.add(new ResolvedEntry(s.key, spec.map(OptionSpec::name).orElse(s.key), s.value, s.origin, spec, s.placeholder));
        }
        if (strict(out)) {
            for (ResolvedEntry e : out) {
                if (!e.known() && !e.placeholder()) {
                    throw new ConfigException(e.origin() + ": unknown option '" + e.key() + "'" + new Typos(catalog).suggestion(e.key())
                            + " (--strict is set; use set-ph to define a placeholder)");
                }
            }
        }
        return out;
    }

    private static boolean strict(List<ResolvedEntry> entries) {
        return entries.stream().anyMatch(e -> e.name().equals("strict") && e.known() && ResolvedEntry.isTrueValue(e.value()));
    }

    private static void check(Slot s, OptionSpec spec) throws ConfigException {
        switch (spec.type()) {
            case INT -> {
                String v = s.value == null ? "" : s.value.strip();
                if (!v.matches("[+-]?[0-9]+")) {
                    throw ConfigException.at(s.origin, s.key, "'" + (s.value == null ? "" : s.value) + "' is not a number");
                }
                if (v.startsWith("-") && !v.matches("-0+")) {
                    // uWSGI refuses a negative value of every integer option (its check is < 0, its
                    // line says "must be > 0": 0 is allowed, so this one says so)
                    throw ConfigException.at(s.origin, s.key, "invalid value " + v + ": must be >= 0");
                }
            }
            case BOOL -> {
                if (!ResolvedEntry.isBooleanValue(s.value)) {
                    throw ConfigException.at(s.origin, s.key, "'" + s.value + "' is not a boolean (true/false, yes/no, on/off, 1/0)");
                }
            }
            case STRING -> {
                if (s.value == null && spec.argument() == OptionSpec.Argument.REQUIRED) {
                    throw ConfigException.at(s.origin, s.key, "a value is required");
                }
            }
        }
    }
}
