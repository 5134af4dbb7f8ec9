package org.uwsgi4j.kernel.boot;

import java.util.ArrayList;
import java.util.List;
import org.uwsgi4j.kernel.config.OptionSpec;
import org.uwsgi4j.kernel.plugin.PluginCatalog;
import org.uwsgi4j.kernel.plugin.PluginDescriptor;
import org.uwsgi4j.kernel.shell.Table;

/** The text of {@code --plugins-list}: every available plugin, its version, modifier1 and options. */
final class PluginsList {

    private PluginsList() {
    }

    static String render(PluginCatalog plugins) {
        StringBuilder out = new StringBuilder("*** uwsgi4j available plugins ***\n");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "ALIASES", "VERSION", "MODIFIER1", "OPTIONS"});
        for (PluginDescriptor p : plugins.all()) {
            String options = String.join(", ", p.options().stream().map(OptionSpec::name).toList());
            rows.add(new String[] {p.name(), p.aliases().isEmpty() ? "-" : String.join(",", p.aliases()), p.version(),
                    p.modifier1() < 0 ? "-" : String.valueOf(p.modifier1()), options.isEmpty() ? "-" : options});
        }
        out.append(Table.render(rows)).append('\n');
        out.append("--- end of plugins list ---\n");
        return out.toString();
    }
}
