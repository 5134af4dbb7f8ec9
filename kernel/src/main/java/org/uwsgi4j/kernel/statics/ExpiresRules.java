package org.uwsgi4j.kernel.statics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.uwsgi4j.kernel.api.Options;

/**
 * uWSGI's {@code --static-expires*} options: each {@code KEY=SECONDS} gives an {@code Expires}
 * header of now (or, with the {@code -mtime} forms, the file's modification time) plus the
 * seconds to the static files it matches. KEY is a regular expression searched in the file's
 * real path ({@code static-expires}), in PATH_INFO ({@code -path-info}), in REQUEST_URI
 * ({@code -uri}), or a Content-Type compared whole ({@code -type}).
 *
 * <p>Rules are tried in uWSGI's order (file name, PATH_INFO, REQUEST_URI, type; in each, the
 * plain form before the {@code -mtime} one) and the first match gives the header. uWSGI adds
 * one header per group that matches, so it may send several {@code Expires}; one is sent here
 * (docs/static.md).
 */
final class ExpiresRules {

    /** What a rule's key is matched against. */
    enum Subject { FILE, PATH_INFO, URI, TYPE }

    private record Rule(Subject subject, Predicate<String> key, long seconds, boolean fromMtime) {
    }

    /** No rule: never an Expires header. */
    static final ExpiresRules NONE = new ExpiresRules(List.of());

    private final List<Rule> rules;

    private ExpiresRules(List<Rule> rules) {
        this.rules = rules;
    }

    static ExpiresRules fromOptions(Options options) {
        List<Rule> rules = new ArrayList<>();
        add(rules, options, "static-expires", Subject.FILE, false);
        add(rules, options, "static-expires-mtime", Subject.FILE, true);
        add(rules, options, "static-expires-path-info", Subject.PATH_INFO, false);
        add(rules, options, "static-expires-path-info-mtime", Subject.PATH_INFO, true);
        add(rules, options, "static-expires-uri", Subject.URI, false);
        add(rules, options, "static-expires-uri-mtime", Subject.URI, true);
        add(rules, options, "static-expires-type", Subject.TYPE, false);
        add(rules, options, "static-expires-type-mtime", Subject.TYPE, true);
        return new ExpiresRules(List.copyOf(rules));
    }

    private static void add(List<Rule> rules, Options options, String option, Subject subject, boolean fromMtime) {
        for (String value : options.values(option)) {
            int eq = value.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(option + " " + value + ": expected KEY=SECONDS");
            }
            String key = value.substring(0, eq);
            long seconds;
            try {
                seconds = Long.parseLong(value.substring(eq + 1).strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " " + value + ": the seconds are not a number");
            }
            Predicate<String> match;
            if (subject == Subject.TYPE) {
                match = key::equals;
            } else {
                try {
                    match = Pattern.compile(key).asPredicate();
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException(option + " " + value + ": invalid regular expression: " + e.getDescription());
                }
            }
            rules.add(new Rule(subject, match, seconds, fromMtime));
        }
    }

    boolean isEmpty() {
        return rules.isEmpty();
    }

    /**
     * The epoch second the first matching rule gives, or -1 when none matches.
     *
     * @param type the file's Content-Type, or null
     */
    long expires(String file, String pathInfo, String uri, String type, long nowSeconds, long mtimeSeconds) {
        for (Rule rule : rules) {
            String subject = switch (rule.subject()) {
                case FILE -> file;
                case PATH_INFO -> pathInfo;
                case URI -> uri;
                case TYPE -> type;
            };
            if (subject != null && rule.key().test(subject)) {
                return (rule.fromMtime() ? mtimeSeconds : nowSeconds) + rule.seconds();
            }
        }
        return -1;
    }
}
