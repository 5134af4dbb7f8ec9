package org.uwsgi4j.kernel.worker;

import java.util.Map;
import java.util.Optional;
import org.uwsgi4j.kernel.api.Options;

/**
 * uWSGI's process names (core/utils.c {@code uwsgi_set_processname}, core/master.c): with
 * {@code --auto-procname}, or any {@code --procname*} option (each implies it, as in uWSGI),
 * every process shows {@code PREFIX NAME APPEND} in {@code ps}, NAME being {@code uWSGI master},
 * {@code uWSGI worker N} (the hosts add {@code uWSGI python host} … for their preforking parent),
 * {@code --procname} instead for every process, and {@code --procname-master} instead for the
 * master.
 *
 * @param auto    whether processes are renamed at all
 * @param prefix  {@code --procname-prefix}, or {@code --procname-prefix-spaced} and a space (the last given)
 * @param append  {@code --procname-append}
 * @param name    {@code --procname}: every process's name ("" for the defaults)
 * @param master  {@code --procname-master} ("" for none)
 */
public record ProcessNames(boolean auto, String prefix, String append, String name, String master) {

    /** The names {@code options} ask for. */
    public static ProcessNames fromOptions(Options options) {
        String prefix = "";
        boolean auto = options.isTrue("auto-procname");
        for (var e : options.entries()) {
            switch (e.getKey()) {
                case "procname-prefix" -> prefix = value(e.getValue());
                case "procname-prefix-spaced" -> prefix = value(e.getValue()) + " ";
                default -> {
                    continue;
                }
            }
            auto = true;
        }
        String append = options.value("procname-append").orElse("");
        String name = options.value("procname").orElse("");
        String master = options.value("procname-master").orElse("");
        auto |= !append.isEmpty() || !name.isEmpty() || !master.isEmpty();
        return new ProcessNames(auto, prefix, append, name, master);
    }

    private static String value(String v) {
        return v == null ? "" : v;
    }

    /** The master's name, when processes are renamed. */
    public Optional<String> masterName() {
        if (!auto) {
            return Optional.empty();
        }
        return Optional.of(prefix + (!master.isEmpty() ? master : !name.isEmpty() ? name : "uWSGI master") + append);
    }

    /** What every host gets in its environment to name itself and its workers (docs/worker-protocol.md). */
    void addTo(Map<String, String> env) {
        if (auto) {
            env.put("UWSGI4J_AUTO_PROCNAME", "1");
            env.put("UWSGI4J_PROCNAME_PREFIX", prefix);
            env.put("UWSGI4J_PROCNAME_APPEND", append);
            env.put("UWSGI4J_PROCNAME", name);
        }
    }
}
