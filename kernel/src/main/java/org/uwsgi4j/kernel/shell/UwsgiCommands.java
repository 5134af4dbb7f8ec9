package org.uwsgi4j.kernel.shell;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
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
import org.uwsgi4j.kernel.stats.WorkerStats;
import org.uwsgi4j.kernel.worker.MasterLoop;
import org.uwsgi4j.kernel.worker.WorkerPool;

/**
 * The Gogo commands of scope {@code uwsgi}: {@code uwsgi:plugins}, {@code uwsgi:options},
 * {@code uwsgi:version}. Each returns its whole output as a string.
 */
@Component(service = UwsgiCommands.class, property = {
        "osgi.command.scope=uwsgi",
        "osgi.command.function=plugins",
        "osgi.command.function=options",
        "osgi.command.function=version",
        "osgi.command.function=workers",
        "osgi.command.function=reload"})
public final class UwsgiCommands {

    private final BundleContext context;
    private final Instance instance;
    private final Modifiers modifiers;
    /** The master, once the kernel publishes it; null before and after. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile MasterLoop master;

    @Activate
    public UwsgiCommands(BundleContext context, @Reference Instance instance, @Reference Modifiers modifiers) {
        this.context = context;
        this.instance = instance;
        this.modifiers = modifiers;
    }

    /** Every plugin, available or installed (drop-ins too): name, version, state, modifier1, options. */
    public String plugins() {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (PluginDescriptor p : instance.plugins().all()) {
            rows.put(p.location(), new Row(p, "available"));
        }
        for (Bundle bundle : context.getBundles()) {
            descriptor(bundle).ifPresent(p -> rows.put(bundle.getLocation(), new Row(p, state(bundle))));
        }
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"NAME", "VERSION", "STATE", "MODIFIER1", "OPTIONS"});
        for (Row row : rows.values()) {
            PluginDescriptor p = row.plugin();
            String options = String.join(",", p.options().stream().map(OptionSpec::name).toList());
            table.add(new String[] {p.name(), p.version(), row.state(), modifier(p), options.isEmpty() ? "-" : options});
        }
        return Table.render(table);
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

    /** Every worker of every pool: modifier1, id, pid, status, requests, exceptions, respawns. */
    public String workers() {
        MasterLoop master = this.master;
        if (master == null || master.pools().isEmpty()) {
            return "no worker processes (no language runtime has an app to serve)";
        }
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"MODIFIER1", "WORKER", "PID", "STATUS", "REQUESTS", "EXCEPTIONS", "RESPAWNS"});
        for (WorkerPool pool : master.pools()) {
            for (WorkerStats w : pool.workers()) {
                table.add(new String[] {String.valueOf(pool.modifier1()), String.valueOf(w.id()), String.valueOf(w.pid()),
                        w.status(), String.valueOf(w.requests()), String.valueOf(w.exceptions()), String.valueOf(w.respawns())});
            }
        }
        return Table.render(table);
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
