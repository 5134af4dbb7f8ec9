package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.osgi.framework.Bundle;
import org.uwsgi4j.kernel.config.ConfigException;
import org.uwsgi4j.kernel.config.ConfigLoader;
import org.uwsgi4j.kernel.config.HelpPrinter;
import org.uwsgi4j.kernel.config.OptionCatalog;
import org.uwsgi4j.kernel.config.OptionSpec;
import org.uwsgi4j.kernel.config.OptionSpecReader;
import org.uwsgi4j.kernel.config.ResolvedConfig;
import org.uwsgi4j.kernel.config.ShowConfig;
import org.uwsgi4j.kernel.config.UwsgiOptionNames;
import org.uwsgi4j.kernel.plugin.PluginCatalog;
import org.uwsgi4j.kernel.plugin.PluginDescriptor;
import org.uwsgi4j.kernel.plugin.PluginJars;

/**
 * Reads the configuration against every option the kernel and the available plugins declare.
 *
 * <p>{@code --plugins-dir} may name more plugin directories, whose plugins declare more
 * options. Directories given on the command line are scanned before the first read (the
 * command line refuses unknown options, so their options must be known at once); directories
 * set in config files are found by the first read, and the configuration is read again with
 * their plugins' specs.
 */
final class ConfigStep {

    private ConfigStep() {
    }

    static Loaded load(Bundle kernel, Path home, List<String> argv) throws StartupException, IOException {
        List<OptionSpec> kernelSpecs = kernelSpecs(kernel);
        List<String> uwsgiNames = uwsgiNames(kernel);
        List<Path> dirs = new ArrayList<>(List.of(home.resolve("plugins")));
        commandLinePluginDirs(argv).forEach(d -> dirs.add(Path.of(d)));
        Loaded first = read(kernelSpecs, uwsgiNames, PluginCatalog.scan(dirs), argv);
        List<Path> more = first.options().values("plugins-dir").stream().map(Path::of).filter(d -> !dirs.contains(d)).toList();
        if (more.isEmpty()) {
            return first;
        }
        dirs.addAll(more);
        return read(kernelSpecs, uwsgiNames, PluginCatalog.scan(dirs), argv);
    }

    /** The values of {@code --plugins-dir}/{@code --plugin-dir} on the command line itself. */
    static List<String> commandLinePluginDirs(List<String> argv) {
        List<String> dirs = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            for (String name : List.of("--plugins-dir", "--plugin-dir")) {
                if (a.equals(name) && i + 1 < argv.size()) {
                    dirs.add(argv.get(++i));
                } else if (a.startsWith(name + "=")) {
                    dirs.add(a.substring(name.length() + 1));
                }
            }
        }
        return dirs;
    }

    private static Loaded read(List<OptionSpec> kernelSpecs, List<String> uwsgiNames, PluginCatalog plugins, List<String> argv)
            throws StartupException {
        List<OptionSpec> all = new ArrayList<>(kernelSpecs);
        for (PluginDescriptor p : plugins.all()) {
            all.addAll(p.options());
        }
        OptionCatalog specs = new OptionCatalog(all, uwsgiNames);
        try {
            ResolvedConfig config = new ConfigLoader(specs, System.getenv(), Path.of("").toAbsolutePath()).load(argv);
            return new Loaded(config, specs, plugins);
        } catch (ConfigException e) {
            throw new StartupException(e.getMessage());
        }
    }

    private static List<OptionSpec> kernelSpecs(Bundle kernel) throws IOException {
        URL entry = kernel.getEntry(PluginJars.OPTIONS_ENTRY);
        try (InputStream in = entry.openStream()) {
            return OptionSpecReader.read(in, OptionSpec.CORE, "kernel!/" + PluginJars.OPTIONS_ENTRY);
        }
    }

    /** Real uWSGI's option names that no bundle declares (refused as not supported yet). */
    private static List<String> uwsgiNames(Bundle kernel) throws IOException {
        try (InputStream in = kernel.getEntry(UwsgiOptionNames.ENTRY).openStream()) {
            return UwsgiOptionNames.read(in);
        }
    }

    /** The {@code --help} text: every option of the kernel and the available plugins. */
    static String help(Loaded loaded) {
        return HelpPrinter.render(loaded.specs(), "uwsgi4j");
    }

    /**
     * Logs what uWSGI logs while reading the configuration ({@code [uWSGI] getting INI
     * configuration from …}) and, with {@code --show-config}, the resolved configuration, on
     * the log (stderr) as uWSGI does. True when the instance should exit now ({@code --dry-run}).
     */
    static boolean report(Loaded loaded) {
        ResolvedConfig config = loaded.options();
        for (String notice : config.notices()) {
            System.err.println(notice);
        }
        if (config.isTrue("show-config")) {
            System.err.print(ShowConfig.render(config));
        }
        System.err.flush();
        return config.isTrue(ShowConfig.DRY_RUN);
    }
}
