package org.uwsgi4j.plugin.python;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.uwsgi4j.kernel.api.AppRuntime;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.api.WorkerHost;
import org.uwsgi4j.kernel.api.WorkerRuntime;

/**
 * WSGI applications (modifier1 0) on Debian's CPython: the kernel runs the worker host
 * {@code uwsgi4j_worker.py} (a resource of this bundle, written to the bundle's data area)
 * with the app the options name: {@code --wsgi-file}/{@code --file}, or {@code --module}/
 * {@code -w} ({@code pkg.mod} or {@code pkg.mod:callable}), {@code --callable},
 * {@code --pythonpath} (globs), {@code --home}/{@code --virtualenv} (its {@code bin/python}),
 * {@code --mount} (JSON in UWSGI4J_MOUNTS), {@code --manage-script-name}, {@code --paste}
 * (a PasteDeploy URI) with {@code --paste-logger}, and {@code --py-tracebacker} (the socket
 * path each worker completes with its id).
 * The worker host also gets {@code --wsgi-disable-file-wrapper}; what the {@code uwsgi} module
 * shows beyond that (the options, the master's pid, the start time, the version) the kernel puts
 * in every host's environment. {@code --mount} holds only the mounts this plugin claims
 * ({@code *.py}, {@code *.wsgi}, {@code *:*}: its bnd.bnd).
 */
@Component(property = {AppRuntime.MODIFIER1 + ":Integer=0", AppRuntime.PLUGIN + "=python"})
public final class PythonRuntime implements WorkerRuntime {

    static final String HOST_SCRIPT = "uwsgi4j_worker.py";
    private static final Path DEBIAN_PYTHON = Path.of("/usr/bin/python3");
    private final BundleContext context;

    @Activate
    public PythonRuntime(BundleContext context) {
        this.context = context;
    }

    /**
     * What CPython cannot do here: a {@code --home}/{@code --virtualenv} without a
     * {@code bin/python} (uWSGI's python fails to start its interpreter there).
     */
    @Override
    public List<String> problems(Options options) {
        PythonOptions py = PythonOptions.from(options);
        Optional<String> home = py.home();
        if (!py.namesAnApp() || home.isEmpty()) {
            return List.of();
        }
        Path venv = py.chdir().orElse(Path.of("")).toAbsolutePath().resolve(home.get());
        if (!Files.isExecutable(venv.resolve("bin/python"))) {
            return List.of("--home " + home.get() + ": no bin/python in " + venv);
        }
        return List.of();
    }

    @Override
    public Optional<WorkerHost> workerHost(Options options) throws IOException {
        PythonOptions py = PythonOptions.from(options);
        if (!py.namesAnApp()) {
            return Optional.empty();
        }
        Optional<String> file = py.wsgiFile();
        Optional<String> module = py.module();
        List<String> mounts = py.mounts();
        Optional<String> eval = py.eval();
        Optional<String> paste = py.paste();
        Path cwd = py.chdir().orElse(Path.of("")).toAbsolutePath();
        Map<String, String> env = new HashMap<>();
        file.ifPresent(f -> env.put("UWSGI4J_WSGI_FILE", cwd.resolve(f).toString()));
        module.ifPresent(m -> env.put("UWSGI4J_MODULE", m));
        py.callable().ifPresent(c -> env.put("UWSGI4J_CALLABLE", c));
        py.pyAutoreload().ifPresent(n -> env.put("UWSGI4J_PY_AUTORELOAD", n.strip()));
        eval.ifPresent(code -> env.put("UWSGI4J_EVAL", code));
        paste.ifPresent(uri -> env.put("UWSGI4J_PASTE", uri));
        if (py.pasteLogger()) {
            env.put("UWSGI4J_PASTE_LOGGER", "1");
        }
        py.pyTracebacker().ifPresent(path -> env.put("UWSGI4J_PY_TRACEBACKER", path));
        py.pyargv().ifPresent(a -> env.put("UWSGI4J_PYARGV", a));
        if (!py.imports().isEmpty()) {
            env.put("UWSGI4J_IMPORTS", String.join("\n", py.imports()));
        }
        if (!mounts.isEmpty()) {
            env.put("UWSGI4J_MOUNTS", mountsJson(mounts, cwd));
        }
        if (py.manageScriptName()) {
            env.put("UWSGI4J_MANAGE_SCRIPT_NAME", "1");
        }
        List<String> paths = new ArrayList<>();
        for (String p : py.pythonpath()) {
            paths.addAll(glob(cwd, p));
        }
        if (!paths.isEmpty()) {
            env.put("UWSGI4J_PYTHONPATH", String.join(":", paths));
        }
        if (py.disableFileWrapper()) {
            env.put("UWSGI4J_FILE_WRAPPER", "0");
        }
        String python = interpreter(py, cwd, env);
        Path script = hostScript();
        String name = appName(file.map(f -> "from " + f).or(() -> module.map(m -> "module " + m))
                .or(() -> paste.map(uri -> "from paste " + uri)).or(() -> eval.map(code -> "from --eval")), mounts);
        List<String> command = new ArrayList<>(List.of(python, "-u"));
        if (py.optimize() > 0) {
            command.add(py.optimize() == 1 ? "-O" : "-OO"); // --optimize: python's own -O/-OO
        }
        command.add(script.toString());
        return Optional.of(new WorkerHost(command, env, cwd, name));
    }

    /**
     * The log name of the apps a worker host loads: app 0 is the one {@code load_app} makes the
     * default ({@code from}: --wsgi-file or --module, else --paste, else --eval), else the first
     * mount; then how many mounts there are.
     */
    static String appName(Optional<String> from, List<String> mounts) {
        String name = from.map(f -> "WSGI app 0 (mountpoint='') " + f).orElseGet(() ->
                "WSGI app 0 (mountpoint='" + mountPoint(mounts.getFirst()) + "') from " + mountTarget(mounts.getFirst()));
        if (mounts.size() > (from.isEmpty() ? 1 : 0)) {
            name += " and " + mounts.size() + " mount" + (mounts.size() == 1 ? "" : "s");
        }
        return name;
    }

    /**
     * {@code --mount MOUNTPOINT=APP} (uWSGI splits at the first {@code =}) as JSON
     * {@code [[mountpoint, app], ...]} for the worker host; a {@code .py}/{@code .wsgi} file is
     * made absolute against {@code --chdir}, anything else is {@code pkg.mod[:callable]}.
     */
    static String mountsJson(List<String> mounts, Path cwd) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        for (String m : mounts) {
            String target = mountTarget(m);
            if (target.endsWith(".py") || target.endsWith(".wsgi")) {
                target = cwd.resolve(target).toString();
            }
            pairs.add(Map.entry(mountPoint(m), target));
        }
        return OptionsJson.encode(pairs);
    }

    private static String mountPoint(String mount) {
        int eq = mount.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("mount " + mount + ": expected MOUNTPOINT=APP");
        }
        return mount.substring(0, eq);
    }

    private static String mountTarget(String mount) {
        mountPoint(mount);
        return mount.substring(mount.indexOf('=') + 1);
    }

    /**
     * {@code --home}/{@code --virtualenv}: its {@code bin/python} (checked by {@link #problems})
     * and VIRTUAL_ENV; else
     * {@code --python-interpreter}; else Debian's {@code /usr/bin/python3} (where Debian's
     * python3-* packages are), or {@code python3} on the PATH when there is none.
     */
    private static String interpreter(PythonOptions py, Path cwd, Map<String, String> env) {
        Optional<String> chosen = py.interpreter();
        Optional<String> home = py.home();
        if (home.isPresent()) {
            Path venv = cwd.resolve(home.get());
            Path python = venv.resolve("bin/python");
            env.put("VIRTUAL_ENV", venv.toString());
            return python.toString();
        }
        if (chosen.isPresent()) {
            return chosen.get();
        }
        return Files.isExecutable(DEBIAN_PYTHON) ? DEBIAN_PYTHON.toString() : "python3";
    }

    /** uWSGI expands --pythonpath globs; a pattern matching nothing is kept as written. */
    private static List<String> glob(Path cwd, String pattern) throws IOException {
        if (!pattern.contains("*") && !pattern.contains("?") && !pattern.contains("[")) {
            return List.of(cwd.resolve(pattern).toString());
        }
        Path abs = cwd.resolve(pattern);
        Path dir = abs.getParent();
        var matcher = FileSystems.getDefault().getPathMatcher("glob:" + abs);
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of(abs.toString());
        }
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> found = entries.filter(matcher::matches).map(Path::toString).sorted().toList();
            return found.isEmpty() ? List.of(abs.toString()) : found;
        }
    }

    /** The worker host script, written from this bundle to its data area (once per bundle revision). */
    private Path hostScript() throws IOException {
        Path target = context.getDataFile(HOST_SCRIPT).toPath();
        try (InputStream in = PythonRuntime.class.getResourceAsStream(HOST_SCRIPT)) {
            if (in == null) {
                throw new IOException("the python plugin has no " + HOST_SCRIPT);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }
}
