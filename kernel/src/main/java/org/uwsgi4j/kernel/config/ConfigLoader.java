package org.uwsgi4j.kernel.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The configuration pipeline, the one entry point the kernel calls at start-up:
 *
 * <pre>
 *  UWSGI_* env ─┐
 *  argv options ├─▶ ConfigAssembler ─▶ $( ) @( ) %( ) passes ─▶ inherit templates ─▶ OptionBinder ─▶ ResolvedConfig
 *  bare files ──┘   (ini/xml/yaml/json read in place, logic blocks, set-ph)
 * </pre>
 *
 * Order and precedence are uWSGI's: environment first, then the command line left to right
 * with every config file's entries injected where it was named, then bare config-file
 * arguments; for a single-valued option the last value wins, repeatable ones accumulate.
 */
public final class ConfigLoader {

    private final OptionCatalog catalog;
    private final Map<String, String> env;
    private final Path cwd;
    private final HostFacts host;

    /**
     * A loader for this process: {@code catalog} must hold the kernel's options (the
     * config-system options ini, for, if-env… are declared there) and the plugins';
     * {@code env} is the process environment, {@code cwd} the working directory.
     */
    public ConfigLoader(OptionCatalog catalog, Map<String, String> env, Path cwd) {
        this(catalog, env, cwd, HostFacts.current(versionOf(ConfigLoader.class), isReload(env)));
    }

    /** A loader with explicit host facts (magic variables, if-reload), for tests and tools. */
    public ConfigLoader(OptionCatalog catalog, Map<String, String> env, Path cwd, HostFacts host) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.env = Map.copyOf(env);
        this.cwd = cwd.toAbsolutePath().normalize();
        this.host = Objects.requireNonNull(host, "host");
    }

    /** Resolves {@code argv} (without the program name); a user error is a ConfigException. */
    public ResolvedConfig load(List<String> argv) throws ConfigException {
        ConfigAssembler assembler = new ConfigAssembler(catalog, env, cwd, host);
        assembler.process(EnvSource.read(env));
        ArgvReader.ParsedArgv parsed = new ArgvReader(catalog).read(argv);
        assembler.process(parsed.options());
        for (String file : parsed.files()) {
            assembler.loadBareFile(file);
        }
        java.util.Set<String> referenced = Typos.referenced(assembler.slots());
        new PlaceholderExpander(assembler.slots(), env, cwd).expandAll();
        assembler.loadInherited();
        referenced.addAll(Typos.referenced(assembler.slots())); // inherited templates were never expanded
        List<ResolvedEntry> bound = new OptionBinder(catalog).bind(assembler.slots());
        List<String> notices = new java.util.ArrayList<>(assembler.notices());
        notices.addAll(new Typos(catalog).warnings(bound, referenced));
        return new ResolvedConfig(bound, notices, catalog);
    }

    /** uWSGI marks a re-exec'd instance with a positive {@code UWSGI_RELOADS}. */
    static boolean isReload(Map<String, String> env) {
        String reloads = env.get("UWSGI_RELOADS");
        return reloads != null && PlaceholderExpander.strtoll(reloads) > 0;
    }

    private static String versionOf(Class<?> type) {
        String v = type.getPackage() == null ? null : type.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
