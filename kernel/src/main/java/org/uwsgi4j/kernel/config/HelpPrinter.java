package org.uwsgi4j.kernel.config;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The {@code --help} text: uWSGI's layout ({@code Usage: … [options...]}, then one line per
 * option name, aliases on lines of their own, the short flag as {@code -s|--socket}, the
 * help text from column 43), with the options grouped by owner: the kernel's first, then
 * each plugin's under a {@code [plugin NAME]} heading.
 */
public final class HelpPrinter {

    private HelpPrinter() {
    }

    /** The help for every option of {@code catalog}; {@code program} is the command name. */
    public static String render(OptionCatalog catalog, String program) {
        StringBuilder out = new StringBuilder("Usage: ").append(program).append(" [options...]\n");
        Set<String> owners = new LinkedHashSet<>();
        owners.add(OptionSpec.CORE);
        catalog.all().forEach(s -> owners.add(s.owner()));
        for (String owner : owners) {
            var specs = catalog.ownedBy(owner);
            if (specs.isEmpty()) {
                continue;
            }
            if (!owner.equals(OptionSpec.CORE)) {
                out.append("\n[plugin ").append(owner).append("]\n");
            }
            for (OptionSpec spec : specs) {
                line(out, spec, spec.name());
                for (String alias : spec.aliases()) {
                    line(out, spec, alias);
                }
            }
        }
        return out.toString();
    }

    private static void line(StringBuilder out, OptionSpec spec, String name) {
        String flag = (spec.shortFlag() != 0 ? "-" + spec.shortFlag() + "|" : "") + "--" + name;
        out.append("    ").append(flag);
        out.append(" ".repeat(Math.max(1, 38 - flag.length())));
        out.append(spec.help()).append('\n');
    }
}
