package org.uwsgi4j.kernel.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Options given as {@code UWSGI_<OPTION>} environment variables: {@code UWSGI_HTTP_SOCKET=:80}
 * is {@code http-socket = :80}. They come before the command line, as in uWSGI. The process
 * environment has no order in Java, so they are taken sorted by name. The two variables uWSGI
 * uses for itself across a reload are not options.
 */
final class EnvSource {

    private static final String PREFIX = "UWSGI_";
    private static final Set<String> NOT_OPTIONS = Set.of("UWSGI_RELOADS", "UWSGI_ORIGINAL_PROC_NAME");

    private EnvSource() {
    }

    static List<RawEntry> read(Map<String, String> env) {
        List<RawEntry> out = new ArrayList<>();
        for (var e : new TreeMap<>(env).entrySet()) {
            String name = e.getKey();
            if (!name.startsWith(PREFIX) || name.length() == PREFIX.length() || NOT_OPTIONS.contains(name)) {
                continue;
            }
            String key = name.substring(PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '-');
            out.add(new RawEntry(key, e.getValue(), Origin.ENVIRONMENT));
        }
        return out;
    }
}
