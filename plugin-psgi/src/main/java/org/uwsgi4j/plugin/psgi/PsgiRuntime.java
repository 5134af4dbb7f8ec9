package org.uwsgi4j.plugin.psgi;

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
 * PSGI applications (modifier1 5, as uWSGI's psgi plugin) on Debian's perl: the kernel runs the
 * worker host {@code uwsgi4j_worker.pl} (a resource of this bundle, written to the bundle's data
 * area) with the app the options name: {@code --psgi FILE} and the {@code --mount}s of
 * {@code .psgi}/{@code .pl} files this plugin claims (its bnd.bnd), with
 * {@code --manage-script-name}; and {@code --perl-local-lib}, {@code --perl-args}/
 * {@code --perl-arg}, {@code --perl-exec}, {@code --perl-exec-post-fork},
 * {@code --perl-no-die-catch}, {@code --perl-auto-reload} with {@code --perl-auto-reload-ignore},
 * {@code --perl-no-plack} and {@code --perl-interpreter} (docs/plugins/psgi.md).
 * {@code --threads} runs Perl ithreads in each worker.
 */
@Component(property = {AppRuntime.MODIFIER1 + ":Integer=5", AppRuntime.PLUGIN + "=psgi"})
public final class PsgiRuntime implements WorkerRuntime {

    static final String HOST_SCRIPT = "uwsgi4j_worker.pl";
    private static final Path DEBIAN_PERL = Path.of("/usr/bin/perl");
    private final BundleContext context;

    @Activate
    public PsgiRuntime(BundleContext context) {
        this.context = context;
    }

    /**
     * What this runtime cannot do: an interpreter that is not an executable file.
     * ({@code --psgi-enable-psgix-io} is refused by its option table's status, before any plugin starts.)
     */
    @Override
    public List<String> problems(Options options) {
        PsgiOptions perl = PsgiOptions.from(options);
        List<String> problems = new ArrayList<>();
        if (perl.namesAnApp()) {
            perl.interpreter().ifPresent(i -> {
                if (i.contains("/") && !Files.isExecutable(Path.of(i))) {
                    problems.add("--perl-interpreter " + i + ": not an executable file");
                }
            });
        }
        return problems;
    }

    @Override
    public Optional<WorkerHost> workerHost(Options options) throws IOException {
        PsgiOptions perl = PsgiOptions.from(options);
        if (!perl.namesAnApp()) {
            return Optional.empty();
        }
        Path cwd = perl.chdir().orElse(Path.of("")).toAbsolutePath();
        Map<String, String> env = new HashMap<>();
        perl.psgi().ifPresent(f -> env.put("UWSGI4J_PSGI", cwd.resolve(f).toString()));
        if (!perl.mounts().isEmpty()) {
            env.put("UWSGI4J_MOUNTS", mountsJson(perl.mounts(), cwd));
        }
        if (perl.manageScriptName()) {
            env.put("UWSGI4J_MANAGE_SCRIPT_NAME", "1");
        }
        perl.localLib().ifPresent(dir -> env.put("UWSGI4J_PERL_LOCAL_LIB", cwd.resolve(dir).toString()));
        if (!perl.argv().isEmpty()) {
            env.put("UWSGI4J_PERL_ARGV", Json.strings(perl.argv()));
        }
        if (!perl.exec().isEmpty()) {
            env.put("UWSGI4J_PERL_EXEC", Json.strings(perl.exec()));
        }
        if (!perl.execPostFork().isEmpty()) {
            env.put("UWSGI4J_PERL_EXEC_POST_FORK", Json.strings(perl.execPostFork()));
        }
        if (perl.noDieCatch()) {
            env.put("UWSGI4J_PERL_NO_DIE_CATCH", "1");
        }
        if (perl.noPlack()) {
            env.put("UWSGI4J_PERL_NO_PLACK", "1");
        }
        if (perl.autoReload() > 0) {
            env.put("UWSGI4J_PERL_AUTO_RELOAD", String.valueOf(perl.autoReload()));
            if (!perl.autoReloadIgnore().isEmpty()) {
                env.put("UWSGI4J_PERL_AUTO_RELOAD_IGNORE", Json.strings(perl.autoReloadIgnore()));
            }
        }
        String interpreter = perl.interpreter().orElse(Files.isExecutable(DEBIAN_PERL) ? DEBIAN_PERL.toString() : "perl");
        List<String> command = List.of(interpreter, hostScript().toString());
        return Optional.of(new WorkerHost(command, env, cwd, appName(perl.psgi(), perl.mounts())));
    }

    /** The log name of the apps a worker host loads: app 0 (the --psgi file, else the first mount), and how many mounts. */
    static String appName(Optional<String> psgi, List<String> mounts) {
        String name = psgi.map(f -> "PSGI app 0 (mountpoint='') from " + f).orElseGet(() ->
                "PSGI app 0 (mountpoint='" + mountPoint(mounts.getFirst()) + "') from " + mountTarget(mounts.getFirst()));
        if (mounts.size() > (psgi.isEmpty() ? 1 : 0)) {
            name += " and " + mounts.size() + " mount" + (mounts.size() == 1 ? "" : "s");
        }
        return name;
    }

    /** {@code --mount MOUNTPOINT=FILE} (split at the first {@code =}) as JSON {@code [[mountpoint, file], ...]}, files made absolute against {@code --chdir}. */
    static String mountsJson(List<String> mounts, Path cwd) {
        List<List<String>> pairs = new ArrayList<>();
        for (String m : mounts) {
            pairs.add(List.of(mountPoint(m), cwd.resolve(mountTarget(m)).toString()));
        }
        return Json.pairs(pairs);
    }

    private static String mountPoint(String mount) {
        int eq = mount.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("mount " + mount + ": expected MOUNTPOINT=APP");
        }
        return mount.substring(0, eq);
    }

    private static String mountTarget(String mount) {
        return mount.substring(mountPoint(mount).length() + 1);
    }

    /** The worker host script, written from this bundle to its data area. */
    private Path hostScript() throws IOException {
        Path target = context.getDataFile(HOST_SCRIPT).toPath();
        try (InputStream in = PsgiRuntime.class.getResourceAsStream(HOST_SCRIPT)) {
            if (in == null) {
                throw new IOException("the psgi plugin has no " + HOST_SCRIPT);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
