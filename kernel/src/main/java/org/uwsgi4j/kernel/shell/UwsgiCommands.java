package org.uwsgi4j.kernel.shell;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.uwsgi4j.kernel.plugin.Instance;
import org.uwsgi4j.kernel.config.OptionSpec;
import org.uwsgi4j.kernel.dispatch.Modifiers;
import org.uwsgi4j.kernel.plugin.PluginDescriptor;
import org.uwsgi4j.kernel.plugin.PluginJars;
import org.uwsgi4j.kernel.security.CodePaths;
import org.uwsgi4j.kernel.stats.CheaperStats;
import org.uwsgi4j.kernel.stats.WorkerStats;
import org.uwsgi4j.kernel.worker.MasterLoop;
import org.uwsgi4j.kernel.worker.WorkerPool;

/**
 * The Gogo commands of scope {@code uwsgi}: {@code uwsgi:plugins}, {@code uwsgi:options},
 * {@code uwsgi:version}, {@code uwsgi:workers}, {@code uwsgi:reload}, {@code uwsgi:swap}. Each
 * returns its whole output as a string; a refused command throws with its one line.
 */
@Component(service = UwsgiCommands.class, property = {
        "osgi.command.scope=uwsgi",
        "osgi.command.function=plugins",
        "osgi.command.function=options",
        "osgi.command.function=version",
        "osgi.command.function=workers",
        "osgi.command.function=reload",
        "osgi.command.function=swap"})
public final class UwsgiCommands {

    private final BundleContext context;
    private final Instance instance;
    private final Modifiers modifiers;
    private final CheckedInstall installer;
    /** The master, once the kernel publishes it; null before and after. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile MasterLoop master;

    @Activate
    public UwsgiCommands(BundleContext context, @Reference Instance instance, @Reference Modifiers modifiers,
                         @Reference CheckedInstall installer) {
        this.context = context;
        this.instance = instance;
        this.modifiers = modifiers;
        this.installer = installer;
    }

    /**
     * Every plugin, available or installed (drop-ins too): name, version, state, modifier1,
     * options, and the jar it came from (plugins/, a --plugins-dir, the drop-in directory, or a
     * path given to {@link #swap}).
     */
    public String plugins() {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (PluginDescriptor p : instance.plugins().all()) {
            rows.put(p.location(), new Row(p, "available"));
        }
        for (Bundle bundle : context.getBundles()) {
            descriptor(bundle).ifPresent(p -> rows.put(bundle.getLocation(), new Row(p, state(bundle))));
        }
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"NAME", "VERSION", "STATE", "MODIFIER1", "OPTIONS", "FROM"});
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            PluginDescriptor p = e.getValue().plugin();
            String options = String.join(",", p.options().stream().map(OptionSpec::name).toList());
            String from = CodePaths.file(e.getKey()).map(Path::toString).orElse(e.getKey());
            table.add(new String[] {p.name(), p.version(), e.getValue().state(), modifier(p), options.isEmpty() ? "-" : options, from});
        }
        return Table.render(table);
    }

    /**
     * Swaps plugin {@code name} for the version in {@code jar}, with the drop-in directory's
     * guarantees: the jar is checked as {@code felix:install} checks it (owned by root or the
     * server's user, writable by nobody else, nor its parents), installed beside the running
     * version, and started, which replaces that version (its runtime's requests wait for the new
     * one; a worker pool reloads gracefully). A jar that cannot resolve or start is uninstalled
     * again and the running version serves on. Swapping from the same path again updates it.
     */
    public String swap(String name, String jar) throws IOException, BundleException {
        Path file = installer.checked("uwsgi:swap", jar);
        PluginDescriptor incoming = PluginJars.read(file).orElseThrow(() -> new IllegalArgumentException(
                "uwsgi:swap " + name + " " + jar + ": refused: not a uwsgi4j plugin"));
        if (!incoming.name().equals(name) && !incoming.aliases().contains(name)) {
            throw new IllegalArgumentException("uwsgi:swap " + name + " " + jar + ": refused: it holds plugin " + incoming.name());
        }
        // on a thread of its own that does not inherit Gogo's per-thread streams: what the swap
        // logs goes to the server's log, not to this shell session
        var result = new CompletableFuture<Bundle>();
        Thread.ofPlatform().name("uwsgi4j-swap-" + name).inheritInheritableThreadLocals(false).start(() -> {
            try {
                result.complete(installAndStart(name, jar, file));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        Bundle bundle;
        try {
            bundle = result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("uwsgi:swap " + name + ": interrupted");
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case BundleException be -> throw be;
                case RuntimeException re -> throw re;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
        return "plugin " + name + " " + bundle.getVersion() + " from " + file + " is " + state(bundle);
    }

    /** Installs (or updates) the bundle at {@code file} and starts it; one that cannot start is uninstalled again. */
    private Bundle installAndStart(String name, String jar, Path file) throws IOException, BundleException {
        String location = file.toUri().toString();
        Bundle bundle = context.getBundle(location);
        boolean installed = bundle == null;
        try (InputStream in = Files.newInputStream(file)) {
            if (installed) {
                bundle = context.installBundle(location, in);
            } else {
                bundle.update(in);
            }
        }
        try {
            bundle.start();
        } catch (BundleException | IllegalStateException e) {
            if (installed) {
                bundle.uninstall();
            }
            throw new IllegalArgumentException("uwsgi:swap " + name + " " + jar + ": not swapped, the running version serves on: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        return bundle;
    }

    /** The resolved configuration, one {@code name = value} line each, in order. */
    public String options() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> e : instance.options().entries()) {
            out.append(e.getKey()).append(" = ").append(e.getValue()).append('\n');
        }
        return out.toString().stripTrailing();
    }

    /** The kernel's version. */
    public String version() {
        return "uwsgi4j " + instance.version();
    }

    /**
     * Every worker of every pool: modifier1, id, pid, status, requests, exceptions, respawns and,
     * when a pool runs in cheaper mode, a CHEAPER column with the algorithm's figures of each
     * worker (busyness) and one line per such pool: its algorithm, last decision and figures.
     */
    public String workers() {
        MasterLoop master = this.master;
        if (master == null || master.pools().isEmpty()) {
            return "no worker processes (no language runtime has an app to serve)";
        }
        boolean cheaper = master.pools().stream().anyMatch(p -> p.cheaper().isPresent());
        List<String[]> table = new ArrayList<>();
        List<String> head = List.of("MODIFIER1", "WORKER", "PID", "STATUS", "REQUESTS", "EXCEPTIONS", "RESPAWNS", "CHEAPER");
        table.add(head.subList(0, cheaper ? 8 : 7).toArray(String[]::new));
        StringBuilder modes = new StringBuilder();
        for (WorkerPool pool : master.pools()) {
            Optional<CheaperStats> mode = pool.cheaper();
            for (WorkerStats w : pool.workers()) {
                var figures = mode.map(c -> c.figures().workers().getOrDefault(w.id(), Map.of())).orElse(Map.of());
                List<String> row = List.of(String.valueOf(pool.modifier1()), String.valueOf(w.id()), String.valueOf(w.pid()),
                        w.status(), String.valueOf(w.requests()), String.valueOf(w.exceptions()), String.valueOf(w.respawns()),
                        figures.isEmpty() ? "-" : pairs(figures));
                table.add(row.subList(0, cheaper ? 8 : 7).toArray(String[]::new));
            }
            mode.ifPresent(c -> modes.append("\ncheaper (modifier1 ").append(pool.modifier1()).append("): algo=")
                    .append(c.algorithm().isEmpty() ? "-" : c.algorithm()).append(" decision=").append(c.decision())
                    .append(c.figures().pool().isEmpty() ? "" : " " + pairs(c.figures().pool())));
        }
        return Table.render(table) + modes;
    }

    private static String pairs(Map<String, Object> figures) {
        StringBuilder out = new StringBuilder();
        figures.forEach((k, v) -> out.append(out.isEmpty() ? "" : " ").append(k).append('=').append(v));
        return out.toString();
    }

    /** Reloads every worker pool gracefully, as SIGHUP does. */
    public String reload() {
        MasterLoop master = this.master;
        if (master == null) {
            return "nothing to reload: the master is not running";
        }
        master.post(master::reloadAll);
        return "...gracefully reloading the workers...";
    }

    private String modifier(PluginDescriptor p) {
        if (p.modifier1() < 0) {
            return "-";
        }
        var slot = modifiers.occupied().get(p.modifier1());
        boolean serving = slot != null && slot.plugin().equals(p.name());
        return p.modifier1() + (serving ? "" : " (not registered)");
    }

    private static Optional<PluginDescriptor> descriptor(Bundle bundle) {
        try {
            return PluginJars.read(bundle);
        } catch (IOException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    private static String state(Bundle bundle) {
        return switch (bundle.getState()) {
            case Bundle.ACTIVE -> "ACTIVE";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "UNINSTALLED";
        };
    }

    private record Row(PluginDescriptor plugin, String state) {
    }
}
