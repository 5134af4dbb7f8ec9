package org.uwsgi4j.kernel.statics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static files served by the kernel ({@code --check-static}, {@code --static-map},
 * {@code --static-map2}; docs/static.md): which file a request names, and the answer.
 *
 * <pre>
 *  GET|HEAD, PATH_INFO under a rule's mountpoint? ─no─▶ NONE (the app)
 *     └─ each matching rule, in uWSGI's order: check-static, static-map, static-map2
 *          ".." segment or NUL          ─▶ 403
 *          no such file                 ─▶ next rule (then the app, as uWSGI)
 *          real path outside the root and every --static-safe ─▶ 403
 *          directory: first --static-index file, else next rule
 *          not a regular file, or a --static-skip-ext ─▶ next rule
 *          ─▶ 304 | 416 | 206 | 200 (Content-Type, Content-Length, Last-Modified, Expires, gzip)
 * </pre>
 *
 * Immutable and shared by every connection, but for one counter of the answers sent
 * ({@link #served()}, the stats' {@code static_requests}); the per-request cost for a request
 * that no rule claims is {@link #claims}: one loop over the mountpoints.
 */
public final class StaticFiles {

    private static final Logger LOG = LoggerFactory.getLogger(StaticFiles.class);

    /**
     * One mapping.
     *
     * @param prefix     the mountpoint PATH_INFO must start with ("" for check-static)
     * @param root       the real path of the directory (or file) served
     * @param rootIsFile the mapping names one file, served for every path under the mountpoint
     * @param keepPrefix static-map2 and check-static: the whole PATH_INFO is appended to the root
     */
    record Rule(String prefix, Path root, boolean rootIsFile, boolean keepPrefix) {
    }

    private final Rule[] rules;
    private final String[] prefixes;
    private final List<String> indexes;
    private final List<String> skipExtensions;
    private final List<Path> safe;
    private final MimeTypes mimeTypes;
    private final ExpiresRules expires;
    private final GzipRules gzip;
    private final java.util.concurrent.atomic.LongAdder served = new java.util.concurrent.atomic.LongAdder();

    StaticFiles(List<Rule> rules, List<String> indexes, List<String> skipExtensions, List<Path> safe,
                MimeTypes mimeTypes, ExpiresRules expires, GzipRules gzip) {
        this.rules = rules.toArray(Rule[]::new);
        this.prefixes = rules.stream().map(Rule::prefix).toArray(String[]::new);
        this.indexes = indexes;
        this.skipExtensions = skipExtensions;
        this.safe = safe;
        this.mimeTypes = mimeTypes;
        this.expires = expires;
        this.gzip = gzip;
    }

    /** No static files: {@link #active} is false. */
    public static StaticFiles none() {
        return new StaticFiles(List.of(), List.of(), List.of(), List.of(), MimeTypes.none(), ExpiresRules.NONE, GzipRules.NONE);
    }

    /** Counts one static answer sent (a file, a 304, a refusal: uWSGI counts each static hit). */
    public void countServed() {
        served.increment();
    }

    /** Static answers sent since start. */
    public long served() {
        return served.sum();
    }

    /** True when any static rule is configured. */
    public boolean active() {
        return prefixes.length > 0;
    }

    /** True when a static rule may serve a request of {@code method} for {@code pathInfo} (only GET and HEAD are, as in uWSGI). */
    public boolean claims(String method, String pathInfo) {
        if (prefixes.length == 0 || pathInfo == null || !("GET".equals(method) || "HEAD".equals(method))) {
            return false;
        }
        for (String p : prefixes) {
            if (pathInfo.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** The answer to {@code request} at {@code nowSeconds} (epoch): a file, a refusal, or {@link StaticAnswer#NONE}. */
    public StaticAnswer answer(StaticRequest request, long nowSeconds) {
        if (!claims(request.method(), request.pathInfo())) {
            return StaticAnswer.NONE;
        }
        for (Rule rule : rules) {
            if (request.pathInfo().startsWith(rule.prefix())) {
                StaticAnswer answer = tryRule(rule, request, nowSeconds);
                if (answer.served()) {
                    return answer;
                }
            }
        }
        return StaticAnswer.NONE;
    }

    private StaticAnswer tryRule(Rule rule, StaticRequest request, long nowSeconds) {
        Path real;
        if (rule.rootIsFile()) {
            real = rule.root();
        } else {
            String rest = rule.keepPrefix() ? request.pathInfo() : request.pathInfo().substring(rule.prefix().length());
            if (escapes(rest)) {
                LOG.info("[uwsgi-fileserve] security error: {} tries to leave {}", printable(request.pathInfo()), rule.root());
                return StaticAnswer.FORBIDDEN;
            }
            try {
                real = rule.root().resolve(relative(rest)).toRealPath();
            } catch (InvalidPathException e) {
                return StaticAnswer.FORBIDDEN;
            } catch (IOException e) {
                return StaticAnswer.NONE; // no such file: the next rule, then the app
            }
            if (!inside(real, rule.root())) {
                return StaticAnswer.FORBIDDEN;
            }
        }
        BasicFileAttributes attrs = attributes(real);
        if (attrs != null && attrs.isDirectory()) {
            real = index(real, rule.root());
            if (real == null) {
                return StaticAnswer.NONE;
            }
            if (real.equals(rule.root())) { // an index that leaves the root
                return StaticAnswer.FORBIDDEN;
            }
            attrs = attributes(real);
        }
        if (attrs == null || !attrs.isRegularFile()) {
            return StaticAnswer.NONE;
        }
        String name = real.toString();
        for (String ext : skipExtensions) {
            if (name.endsWith(ext)) {
                return StaticAnswer.NONE;
            }
        }
        return FileAnswer.of(real, attrs, request, nowSeconds, mimeTypes.of(real.getFileName().toString()), expires,
                gzip.applies(name));
    }

    /** True when the decoded path names a parent directory or holds a NUL: it would leave the root. */
    static boolean escapes(String path) {
        if (path.indexOf('\0') >= 0) {
            return true;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private static String relative(String rest) {
        int i = 0;
        while (i < rest.length() && rest.charAt(i) == '/') {
            i++;
        }
        return rest.substring(i);
    }

    /** True when {@code real} is under {@code root} or a {@code --static-safe} path; else logged as uWSGI does. */
    private boolean inside(Path real, Path root) {
        if (real.startsWith(root)) {
            return true;
        }
        for (Path s : safe) {
            if (real.startsWith(s)) {
                return true;
            }
        }
        LOG.info("[uwsgi-fileserve] security error: {} is not under {} or a safe path", real, root);
        return false;
    }

    /** The first {@code --static-index} file of {@code dir} (real path); {@code root} if it leaves the root; null when none. */
    private Path index(Path dir, Path root) {
        for (String name : indexes) {
            Path candidate = dir.resolve(name);
            if (Files.isRegularFile(candidate)) {
                try {
                    Path real = candidate.toRealPath();
                    return inside(real, root) ? real : root;
                } catch (IOException e) {
                    // gone meanwhile: try the next name
                }
            }
        }
        return null;
    }

    private static BasicFileAttributes attributes(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }

    private static String printable(String s) {
        return s.replace("\0", "\\0");
    }

    /** The last modification of {@code attrs}, in whole epoch seconds (what HTTP dates hold). */
    static long mtime(BasicFileAttributes attrs) {
        return attrs.lastModifiedTime().to(TimeUnit.SECONDS);
    }
}
