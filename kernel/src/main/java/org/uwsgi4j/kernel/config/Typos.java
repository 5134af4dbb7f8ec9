package org.uwsgi4j.kernel.config;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the keys of a configuration that are probably typos: a key that is no option, was not
 * declared with {@code set-ph}, and is never referenced as {@code %(key)} anywhere in the
 * configuration (uWSGI keeps any unknown key as a placeholder, silently: its most reported
 * configuration complaint). Each one gives a warning naming where it is and the nearest option:
 * {@code app.ini:3: unknown option 'harakri' (did you mean 'harakiri'?)}. Unknown keys on the
 * command line are errors already (uWSGI's {@code unrecognized option}); under
 * {@code --strict} every unknown key is an error ({@link OptionBinder}).
 */
final class Typos {

    private static final Pattern REFERENCE = Pattern.compile("%\\(([^)]*)\\)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private final OptionCatalog catalog;

    Typos(OptionCatalog catalog) {
        this.catalog = catalog;
    }

    /** Every name referenced as {@code %(name)} (or inside uWSGI's {@code %(a b + 1)} arithmetic) in {@code slots}' values, as written. */
    static Set<String> referenced(List<Slot> slots) {
        Set<String> names = new HashSet<>();
        for (Slot slot : slots) {
            if (slot.value == null) {
                continue;
            }
            Matcher m = REFERENCE.matcher(slot.value);
            while (m.find()) {
                Matcher name = NAME.matcher(m.group(1));
                while (name.find()) {
                    names.add(name.group());
                }
            }
        }
        return names;
    }

    /** The warning lines for {@code entries}, given the names {@link #referenced} before the placeholder passes. */
    List<String> warnings(List<ResolvedEntry> entries, Set<String> referenced) {
        return entries.stream()
                .filter(e -> !e.known() && !e.placeholder() && !e.origin().equals(Origin.COMMAND_LINE))
                .filter(e -> !referenced.contains(e.key()))
                .map(e -> e.origin() + ": unknown option '" + e.key() + "'" + suggestion(e.key()))
                .distinct()
                .toList();
    }

    /** {@code " (did you mean 'NAME'?)"} for the nearest option name or alias, or empty when none is near. */
    String suggestion(String key) {
        return nearest(key).map(n -> " (did you mean '" + n + "'?)").orElse("");
    }

    /**
     * The option whose name or an alias is fewest edits away from {@code key} (insertions,
     * deletions, substitutions, swaps of two neighbours), when that is at most 2 and less than
     * a third of the key's length rounded up: close enough to be a slip of the keyboard.
     */
    Optional<String> nearest(String key) {
        String lower = key.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        int limit = Math.min(2, Math.max(1, (lower.length() + 2) / 3));
        String best = null;
        int bestDistance = limit + 1;
        for (OptionSpec spec : catalog.all()) {
            for (String name : names(spec)) {
                int d = distance(lower, name, bestDistance);
                if (d < bestDistance) {
                    bestDistance = d;
                    best = spec.name();
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private static List<String> names(OptionSpec spec) {
        return spec.aliases().isEmpty() ? List.of(spec.name())
                : java.util.stream.Stream.concat(java.util.stream.Stream.of(spec.name()), spec.aliases().stream()).toList();
    }

    /** Optimal string alignment distance between {@code a} and {@code b}; any value ≥ {@code cap} once it is known to reach it. */
    static int distance(String a, String b, int cap) {
        if (Math.abs(a.length() - b.length()) >= cap) {
            return cap;
        }
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
