package org.uwsgi4j.kernel.boot;

import java.util.ArrayList;
import java.util.List;
import org.uwsgi4j.kernel.plugin.PluginCatalog;
import org.uwsgi4j.kernel.plugin.PluginDescriptor;

/**
 * {@code --cheaper-algos-list}: uWSGI's list of cheaper algorithms, printed on the log while the
 * configuration is read, after which the start goes on (as in uWSGI). It names the
 * algorithms of the available plugins (those a {@code --cheaper-algo} value loads), then the
 * kernel's own ({@code SpareAlgorithm}, {@code BacklogAlgorithm}).
 */
final class CheaperAlgosList {

    private static final String PREFIX = "cheaper-algo=";

    private CheaperAlgosList() {
    }

    static String render(PluginCatalog plugins) {
        List<String> names = new ArrayList<>();
        for (PluginDescriptor p : plugins.all()) {
            p.values().stream().filter(v -> v.startsWith(PREFIX)).map(v -> v.substring(PREFIX.length())).forEach(names::add);
        }
        names.add("spare");
        names.add("backlog");
        StringBuilder out = new StringBuilder("\n*** uWSGI loaded cheaper algorithms ***\n");
        names.stream().distinct().forEach(n -> out.append(n).append('\n'));
        return out.append("--- end of cheaper algorithms list ---\n\n").toString();
    }
}
