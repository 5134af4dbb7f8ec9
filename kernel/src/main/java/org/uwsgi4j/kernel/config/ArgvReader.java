package org.uwsgi4j.kernel.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Splits the command line the way uWSGI's {@code getopt_long} does: {@code --name value},
 * {@code --name=value}, flags without a value, unique prefixes of long names, short options
 * ({@code -s :3031}, {@code -s:3031}, bundled flags {@code -MT}), {@code --} ending the
 * options. Every other argument is a config file, loaded after all the options (getopt
 * moves them to the end), as in {@code uwsgi4j app.ini --master}.
 *
 * <p>Unlike config files, the command line only takes declared options: an unknown
 * {@code --foo} is an error, because without a spec nothing says whether it takes a value
 * (uWSGI refuses it too; {@code --set-ph foo=bar} is the way to set a placeholder).
 */
final class ArgvReader {

    /**
     * The options in order, and the bare arguments (config files) after them.
     *
     * @param options every option; a value is null for a flag given without one
     * @param files   the bare arguments, in order
     */
    record ParsedArgv(List<RawEntry> options, List<String> files) {
    }

    private final OptionCatalog catalog;

    ArgvReader(OptionCatalog catalog) {
        this.catalog = catalog;
    }

    ParsedArgv read(List<String> argv) throws ConfigException {
        List<RawEntry> options = new ArrayList<>();
        List<String> files = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (arg.equals("--")) {
                files.addAll(argv.subList(i + 1, argv.size()));
                break;
            }
            if (arg.startsWith("--")) {
                i = longOption(argv, i, options);
            } else if (arg.startsWith("-") && arg.length() > 1) {
                i = shortOptions(argv, i, options);
            } else {
                files.add(arg);
            }
        }
        return new ParsedArgv(options, files);
    }

    private int longOption(List<String> argv, int i, List<RawEntry> out) throws ConfigException {
        String body = argv.get(i).substring(2);
        int eq = body.indexOf('=');
        String name = eq < 0 ? body : body.substring(0, eq);
        String inline = eq < 0 ? null : body.substring(eq + 1);
        OptionSpec spec = catalog.find(name).orElse(null);
        String key = name;
        if (spec == null && catalog.undeclaredUwsgiOption(name)) {
            throw ConfigException.notSupported(Origin.COMMAND_LINE, name);
        }
        if (spec == null) {
            spec = byPrefix(name).orElseThrow(() -> error("unrecognized option '--" + name + "'"));
            key = spec.name();
        }
        switch (spec.argument()) {
            case NONE -> {
                if (inline != null) {
                    throw error("option '--" + key + "' doesn't allow an argument");
                }
                out.add(new RawEntry(key, null, Origin.COMMAND_LINE));
            }
            case OPTIONAL -> out.add(new RawEntry(key, inline, Origin.COMMAND_LINE));
            case REQUIRED -> {
                if (inline != null) {
                    out.add(new RawEntry(key, inline, Origin.COMMAND_LINE));
                } else if (i + 1 < argv.size()) {
                    out.add(new RawEntry(key, argv.get(++i), Origin.COMMAND_LINE));
                } else {
                    throw error("option '--" + key + "' requires an argument");
                }
            }
        }
        return i;
    }

    private Optional<OptionSpec> byPrefix(String prefix) throws ConfigException {
        if (prefix.isEmpty()) {
            return Optional.empty();
        }
        Set<OptionSpec> matches = new LinkedHashSet<>();
        for (OptionSpec spec : catalog.all()) {
            if (spec.name().startsWith(prefix) || spec.aliases().stream().anyMatch(a -> a.startsWith(prefix))) {
                matches.add(spec);
            }
        }
        if (matches.size() > 1) {
            throw error("option '--" + prefix + "' is ambiguous; possibilities: "
                    + String.join(" ", matches.stream().map(s -> "'--" + s.name() + "'").toList()));
        }
        return matches.stream().findFirst();
    }

    private int shortOptions(List<String> argv, int i, List<RawEntry> out) throws ConfigException {
        String arg = argv.get(i);
        for (int j = 1; j < arg.length(); j++) {
            char flag = arg.charAt(j);
            OptionSpec spec = catalog.byShortFlag(flag).orElseThrow(() -> error("invalid option -- '" + flag + "'"));
            String rest = arg.substring(j + 1);
            switch (spec.argument()) {
                case NONE -> out.add(new RawEntry(spec.name(), null, Origin.COMMAND_LINE));
                case OPTIONAL -> {
                    out.add(new RawEntry(spec.name(), rest.isEmpty() ? null : rest, Origin.COMMAND_LINE));
                    return i;
                }
                case REQUIRED -> {
                    if (!rest.isEmpty()) {
                        out.add(new RawEntry(spec.name(), rest, Origin.COMMAND_LINE));
                    } else if (i + 1 < argv.size()) {
                        out.add(new RawEntry(spec.name(), argv.get(++i), Origin.COMMAND_LINE));
                    } else {
                        throw error("option requires an argument -- '" + flag + "'");
                    }
                    return i;
                }
            }
        }
        return i;
    }

    private static ConfigException error(String what) {
        return new ConfigException(Origin.COMMAND_LINE + ": " + what);
    }
}
