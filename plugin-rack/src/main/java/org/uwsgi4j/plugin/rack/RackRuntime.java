package org.uwsgi4j.plugin.rack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.uwsgi4j.kernel.api.AppRuntime;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.api.WorkerHost;
import org.uwsgi4j.kernel.api.WorkerRuntime;

/**
 * Rack applications (modifier1 7) on Debian's ruby: the kernel runs the worker host
 * {@code uwsgi4j_worker.rb} (a resource of this bundle, written to the bundle's data area) with
 * the app the options name: {@code --rack FILE} (a config.ru, or a .rb file as
 * {@code Rack::Builder.parse_file} reads it), {@code --rails DIR} (DIR's config.ru, DIR the
 * workers' directory), or {@code --mount} of {@code *.ru}/{@code *.rb} apps (its bnd.bnd claims
 * them), with {@code --manage-script-name}, {@code --rb-lib}, {@code --shared-rb-require} and
 * {@code --rb-require}, {@code --ruby-gc-freq}, {@code --gemset}/{@code --rvm} with
 * {@code --rvm-path}, and {@code --ruby-interpreter}. docs/plugins/rack.md is the user's page.
 */
@Component(property = {AppRuntime.MODIFIER1 + ":Integer=7", AppRuntime.PLUGIN + "=rack"})
public final class RackRuntime implements WorkerRuntime {

    static final String HOST_SCRIPT = "uwsgi4j_worker.rb";
    private static final Path DEBIAN_RUBY = Path.of("/usr/bin/ruby");
    private final BundleContext context;

    @Activate
    public RackRuntime(BundleContext context) {
        this.context = context;
    }

    /**
     * What ruby cannot do here: {@code --rack} and {@code --rails} together (one default app),
     * a {@code --rails} directory without a config.ru (uWSGI's --rails loads Rails 2.x, which
     * Ruby 3 cannot run), a {@code --gemset} with no RVM environment of that name, a
     * {@code --ruby-interpreter} path that is not an executable, a negative {@code --ruby-gc-freq}.
     */
    @Override
    public List<String> problems(Options options) {
        RackOptions rb = RackOptions.from(options);
        List<String> problems = new ArrayList<>();
        if (!rb.namesAnApp()) {
            return problems;
        }
        if (rb.rack().isPresent() && rb.rails().isPresent()) {
            problems.add("--rails " + rb.rails().get() + ": --rack " + rb.rack().get() + " names the app already; give one of them");
        }
        rb.rails().ifPresent(dir -> {
            Path ru = rb.directory().resolve("config.ru");
            if (!Files.isRegularFile(ru)) {
                problems.add("--rails " + dir + ": no config.ru in " + rb.directory()
                        + " (Rails 2.x apps without a config.ru are not supported)");
            }
        });
        rb.gcFreq().filter(n -> n < 0).ifPresent(n -> problems.add("--ruby-gc-freq " + n + ": not a number of requests"));
        rb.gemset().ifPresent(gemset -> {
            if (Gemsets.find(gemset, rb.rvmPaths()).isEmpty()) {
                problems.add("--gemset " + gemset + ": no RVM environment " + gemset + " in "
                        + String.join(", ", Gemsets.searched(rb.rvmPaths())));
            }
        });
        rb.interpreter().filter(i -> i.contains("/")).ifPresent(ruby -> {
            if (!Files.isExecutable(rb.chdir().orElse(Path.of("")).toAbsolutePath().resolve(ruby))) {
                problems.add("--ruby-interpreter " + ruby + ": not an executable file");
            }
        });
        return problems;
    }

    @Override
    public Optional<WorkerHost> workerHost(Options options) throws IOException {
        RackOptions rb = RackOptions.from(options);
        if (!rb.namesAnApp()) {
            return Optional.empty();
        }
        Path cwd = rb.chdir().orElse(Path.of("")).toAbsolutePath();
        Path dir = rb.directory();
        Map<String, String> env = new HashMap<>();
        Optional<String> app = rb.rack().map(f -> cwd.resolve(f).toString())
                .or(() -> rb.rails().map(d -> dir.resolve("config.ru").toString()));
        app.ifPresent(f -> env.put("UWSGI4J_RACK", f));
        if (!rb.mounts().isEmpty()) {
            env.put("UWSGI4J_MOUNTS", Mounts.json(rb.mounts(), cwd));
        }
        if (rb.manageScriptName()) {
            env.put("UWSGI4J_MANAGE_SCRIPT_NAME", "1");
        }
        rb.gcFreq().ifPresent(n -> env.put("UWSGI4J_GC_FREQ", String.valueOf(n)));
        if (!rb.libs().isEmpty()) {
            env.put("UWSGI4J_RB_LIBS", String.join("\n", rb.libs().stream().map(l -> cwd.resolve(l).toString()).toList()));
        }
        if (!rb.requires().isEmpty()) {
            env.put("UWSGI4J_RB_REQUIRES", String.join("\n", rb.requires()));
        }
        List<String> command = new ArrayList<>();
        Optional<Path> gemset = rb.gemset().flatMap(g -> Gemsets.find(g, rb.rvmPaths()));
        if (rb.gemset().isPresent() && gemset.isEmpty()) {
            throw new IllegalArgumentException("--gemset " + rb.gemset().get() + ": no RVM environment found");
        }
        gemset.ifPresent(file -> command.addAll(Gemsets.wrapper(file)));
        command.add(rb.interpreter().orElseGet(() -> Files.isExecutable(DEBIAN_RUBY) ? DEBIAN_RUBY.toString() : "ruby"));
        command.add(hostScript().toString());
        return Optional.of(new WorkerHost(command, env, dir, appName(app, rb.mounts())));
    }

    /** The log name of the apps a host loads: app 0 (the --rack/--rails file, else the first mount) and how many mounts. */
    static String appName(Optional<String> app, List<String> mounts) {
        String name = app.map(f -> "RACK app 0 (mountpoint='') from " + f).orElseGet(() ->
                "RACK app 0 (mountpoint='" + Mounts.point(mounts.getFirst()) + "') from " + Mounts.target(mounts.getFirst()));
        if (mounts.size() > (app.isEmpty() ? 1 : 0)) {
            name += " and " + mounts.size() + " mount" + (mounts.size() == 1 ? "" : "s");
        }
        return name;
    }

    /** The worker host script, written from this bundle to its data area (once per bundle revision). */
    private Path hostScript() throws IOException {
        Path target = context.getDataFile(HOST_SCRIPT).toPath();
        try (InputStream in = RackRuntime.class.getResourceAsStream(HOST_SCRIPT)) {
            if (in == null) {
                throw new IOException("the rack plugin has no " + HOST_SCRIPT);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
