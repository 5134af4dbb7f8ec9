package org.uwsgi4j.kernel.statics;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.uwsgi4j.kernel.api.Options;

/**
 * uWSGI's {@code --static-gzip*} options: which static files are looked for with a
 * precompressed {@code FILE.gz} beside them, sent with {@code Content-Encoding: gzip} to a
 * client whose Accept-Encoding names gzip. A file qualifies under {@code --static-gzip-all}, when
 * its real path starts with a {@code --static-gzip-dir} (alias {@code -prefix}), ends with a
 * {@code --static-gzip-ext} (alias {@code -suffix}), or a {@code --static-gzip} regular
 * expression is found in it.
 */
final class GzipRules {

    /** No rule: never a gzip variant. */
    static final GzipRules NONE = new GzipRules(false, List.of(), List.of(), List.of());

    private final boolean all;
    private final List<String> prefixes;
    private final List<String> suffixes;
    private final List<Pattern> patterns;

    private GzipRules(boolean all, List<String> prefixes, List<String> suffixes, List<Pattern> patterns) {
        this.all = all;
        this.prefixes = prefixes;
        this.suffixes = suffixes;
        this.patterns = patterns;
    }

    static GzipRules fromOptions(Options options) {
        List<Pattern> patterns = options.values("static-gzip").stream().map(v -> {
            try {
                return Pattern.compile(v);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("static-gzip " + v + ": invalid regular expression: " + e.getDescription());
            }
        }).toList();
        return new GzipRules(options.isTrue("static-gzip-all"), List.copyOf(options.values("static-gzip-dir")),
                List.copyOf(options.values("static-gzip-ext")), patterns);
    }

    /** True when a gzip variant of {@code file} (its real path) is to be looked for. */
    boolean applies(String file) {
        if (all) {
            return true;
        }
        for (String p : prefixes) {
            if (file.startsWith(p)) {
                return true;
            }
        }
        for (String s : suffixes) {
            if (file.endsWith(s)) {
                return true;
            }
        }
        for (Pattern p : patterns) {
            if (p.matcher(file).find()) {
                return true;
            }
        }
        return false;
    }

    /** True when the client takes gzip ({@code Accept-Encoding} names it, as uWSGI checks it). */
    static boolean accepted(String acceptEncoding) {
        return acceptEncoding != null && acceptEncoding.contains("gzip");
    }
}
