package org.uwsgi4j.kernel.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders docs/options.md, the options reference, from option specs grouped by owner
 * (the kernel, then each plugin): for every option its aliases, short flag, argument,
 * type, whether it repeats, its default, its status (implemented, with the tests that exercise
 * it; implied; refused) and its help. Generated, never edited by hand.
 */
public final class OptionsReference {

    private OptionsReference() {
    }

    /** The markdown reference of {@code groups} (owner name to that owner's specs), in order. */
    public static String render(Map<String, List<OptionSpec>> groups) {
        StringBuilder out = new StringBuilder();
        out.append("# Options reference\n\n");
        out.append("<!-- Generated from the OSGI-INF/uwsgi4j/options files of the kernel and the plugins.\n");
        out.append("     Do not edit: run `mvn -pl kernel test -Dtest=HelpAndReferenceTest -Duwsgi4j.regenerate=true`. -->\n\n");
        out.append("Every option can be given on the command line (`--name value`), in an ini/xml/yaml/json\n");
        out.append("file (`name = value`) or as an environment variable (`UWSGI_NAME`); see configuration.md.\n");
        out.append("*Argument*: `none` is a flag, `optional` takes `--name=value` or nothing, `required` needs a value.\n");
        out.append("*Repeats*: `yes` when every occurrence is kept (sockets, mounts…), else the last one wins.\n");
        out.append("*Status*: **implemented** (works as in uWSGI; the test classes named exercise it), **implied**\n");
        out.append("(always so in uwsgi4j: the help says why; giving it changes nothing) or **refused** (the start\n");
        out.append("stops with `uwsgi4j: option --NAME is not supported yet` and exit code 1). Real uWSGI options\n");
        out.append("that no table here declares are refused the same way (kernel resource `" + UwsgiOptionNames.ENTRY + "`).\n");
        for (var group : new LinkedHashMap<>(groups).entrySet()) {
            String owner = group.getKey();
            out.append("\n## ").append(owner.equals(OptionSpec.CORE) ? "Kernel (core)" : "Plugin `" + owner + "`").append("\n\n");
            if (group.getValue().isEmpty()) {
                out.append("No options of its own.\n");
                continue;
            }
            out.append("| option | aliases | short | argument | type | repeats | default | status | help |\n");
            out.append("|---|---|---|---|---|---|---|---|---|\n");
            for (OptionSpec s : group.getValue()) {
                out.append("| `").append(s.name()).append("` | ")
                        .append(s.aliases().stream().map(a -> "`" + a + "`").collect(Collectors.joining(", "))).append(" | ")
                        .append(s.shortFlag() == 0 ? "" : "`-" + s.shortFlag() + "`").append(" | ")
                        .append(s.argument().name().toLowerCase()).append(" | ")
                        .append(s.type().name().toLowerCase()).append(" | ")
                        .append(s.repeatable() ? "yes" : "no").append(" | ")
                        .append(s.defaultValue() == null ? "" : "`" + s.defaultValue() + "`").append(" | ")
                        .append(status(s.status())).append(" | ")
                        .append(s.help().replace("|", "\\|")).append(" |\n");
            }
        }
        return out.toString();
    }

    private static String status(OptionSpec.Status status) {
        return switch (status.kind()) {
            case IMPLEMENTED -> "implemented (" + String.join(", ", status.tests()) + ")";
            case IMPLIED -> "implied";
            case REFUSED -> "**refused**";
        };
    }
}
