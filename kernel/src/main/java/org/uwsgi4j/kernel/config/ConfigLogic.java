package org.uwsgi4j.kernel.config;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * The logic statements of uWSGI's configuration ("Configuration logic"): which keys open a
 * block ({@code for}, {@code for-glob}, {@code for-readline}, {@code for-times},
 * {@code if-env}, {@code if-opt}, {@code if-exists}, {@code if-file}, {@code if-dir},
 * {@code if-reload}, {@code if-hostname}, their {@code if-not-} twins and short aliases),
 * which close one ({@code endfor}, {@code endif}, {@code end}…), and, for an opening
 * statement, the values {@code %(_)} takes in each pass over the block body: one per item
 * for a loop, one or none for a condition.
 */
final class ConfigLogic {

    /** An iteration that leaves {@code %(_)} as the enclosing block set it. */
    static final String KEEP = new String("%(_)");

    private static final Set<String> CLOSERS = Set.of("endfor", "end-for", "endif", "end-if", "end");
    private static final Set<String> OPENERS = Set.of("for", "for-glob", "for-readline", "for-times",
            "if-env", "ifenv", "if-not-env", "if-opt", "if-not-opt", "if-exists", "ifexists", "if-not-exists",
            "if-file", "if-not-file", "if-dir", "ifdir", "if-directory", "if-not-dir", "if-reload", "if-not-reload",
            "if-hostname", "if-not-hostname", "if-hostname-match", "if-not-hostname-match");

    private final Map<String, String> env;
    private final Path cwd;
    private final HostFacts host;

    ConfigLogic(Map<String, String> env, Path cwd, HostFacts host) {
        this.env = env;
        this.cwd = cwd;
        this.host = host;
    }

    static boolean opens(String key) {
        return OPENERS.contains(key);
    }

    static boolean closes(String key) {
        return CLOSERS.contains(key);
    }

    /**
     * The values of {@code %(_)} for each pass over the body of statement {@code key} with
     * argument {@code data} ({@link #KEEP} for "unchanged"); {@code firstValue} looks up the
     * first value of an option set so far.
     */
    List<String> iterations(String key, String data, Origin origin, Function<String, String> firstValue) throws ConfigException {
        String arg = data == null ? "" : data;
        return switch (key) {
            case "for" -> Arrays.stream(arg.split(" ")).filter(s -> !s.isEmpty()).toList();
            case "for-times" -> forTimes(arg, origin);
            case "for-glob" -> glob(arg, origin);
            case "for-readline" -> readLines(arg, origin, key);
            case "if-env", "ifenv" -> ifValue(lookupWithExpected(arg, env::get), arg, true);
            case "if-not-env" -> ifValue(lookupWithExpected(arg, env::get), arg, false);
            case "if-opt" -> ifValue(lookupWithExpected(arg, firstValue), arg, true);
            case "if-not-opt" -> ifValue(lookupWithExpected(arg, firstValue), arg, false);
            case "if-exists", "ifexists" -> when(Files.exists(cwd.resolve(arg)), arg);
            case "if-not-exists" -> when(!Files.exists(cwd.resolve(arg)), arg);
            case "if-file" -> when(Files.isRegularFile(cwd.resolve(arg)), arg);
            case "if-not-file" -> when(!Files.isRegularFile(cwd.resolve(arg)), arg);
            case "if-dir", "ifdir", "if-directory" -> when(Files.isDirectory(cwd.resolve(arg)), arg);
            case "if-not-dir" -> when(!Files.isDirectory(cwd.resolve(arg)), arg);
            case "if-reload" -> when(host.reload(), KEEP);
            case "if-not-reload" -> when(!host.reload(), KEEP);
            case "if-hostname" -> when(host.hostname().equals(arg), arg);
            case "if-not-hostname" -> when(!host.hostname().equals(arg), arg);
            case "if-hostname-match" -> when(matches(arg, origin, key), arg);
            case "if-not-hostname-match" -> when(!matches(arg, origin, key), arg);
            default -> throw new IllegalArgumentException("not a logic statement: " + key);
        };
    }

    /** For {@code NAME} or {@code NAME=expected}: the found value, or null when absent or different. */
    private static Found lookupWithExpected(String arg, Function<String, String> lookup) {
        int eq = arg.indexOf('=');
        String name = eq < 0 ? arg : arg.substring(0, eq);
        String actual = lookup.apply(name);
        if (actual == null) {
            return new Found(null, false);
        }
        boolean matches = eq < 0 || arg.substring(eq + 1).equals(actual);
        return new Found(actual, matches);
    }

    private record Found(String actual, boolean matches) {
    }

    private static List<String> ifValue(Found found, String arg, boolean positive) {
        if (positive) {
            return found.actual != null && found.matches ? List.of(found.actual) : List.of();
        }
        boolean negated = found.actual == null || !found.matches;
        if (!negated) {
            return List.of();
        }
        return List.of(found.actual == null ? KEEP : found.actual);
    }

    private static List<String> when(boolean condition, String underscore) {
        return condition ? List.of(underscore) : List.of();
    }

    private static List<String> forTimes(String arg, Origin origin) throws ConfigException {
        int n;
        try {
            n = Integer.parseInt(arg.strip());
        } catch (NumberFormatException e) {
            throw ConfigException.at(origin, "for-times", "'" + arg + "' is not a number");
        }
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(String.valueOf(i));
        }
        return out;
    }

    /** Like glob(3) with GLOB_MARK | GLOB_NOCHECK: sorted matches, directories with a trailing slash, the pattern itself when nothing matches. */
    private List<String> glob(String pattern, Origin origin) throws ConfigException {
        if (pattern.isEmpty()) {
            return List.of();
        }
        boolean absolute = pattern.startsWith("/");
        Path base = absolute ? Path.of("/") : cwd;
        String rel = absolute ? pattern.substring(1) : pattern;
        int depth = rel.split("/").length;
        PathMatcher matcher;
        try {
            matcher = FileSystems.getDefault().getPathMatcher("glob:" + rel);
        } catch (IllegalArgumentException e) {
            throw ConfigException.at(origin, "for-glob", "invalid pattern '" + pattern + "'");
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(base, depth)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path relative = base.relativize(p);
                if (!relative.toString().isEmpty() && matcher.matches(relative)
                        && !hiddenMismatch(relative, rel)) {
                    String shown = absolute ? "/" + relative : relative.toString();
                    out.add(Files.isDirectory(p) ? shown + "/" : shown);
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw ConfigException.at(origin, "for-glob", "cannot read '" + pattern + "': " + e.getMessage());
        }
        out.sort(null);
        return out.isEmpty() ? List.of(pattern) : out;
    }

    /** glob(3) never lets a wildcard match a leading dot. */
    private static boolean hiddenMismatch(Path relative, String pattern) {
        String[] patternParts = pattern.split("/");
        for (int i = 0; i < relative.getNameCount() && i < patternParts.length; i++) {
            if (relative.getName(i).toString().startsWith(".") && !patternParts[i].startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private List<String> readLines(String file, Origin origin, String key) throws ConfigException {
        try {
            return Files.readAllLines(cwd.resolve(file)).stream().map(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l).toList();
        } catch (IOException e) {
            throw ConfigException.at(origin, key, "cannot read '" + file + "'");
        }
    }

    private boolean matches(String regex, Origin origin, String key) throws ConfigException {
        try {
            return Pattern.compile(regex).matcher(host.hostname()).find();
        } catch (PatternSyntaxException e) {
            throw ConfigException.at(origin, key, "invalid regular expression '" + regex + "'");
        }
    }
}
