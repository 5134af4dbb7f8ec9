package org.uwsgi4j.plugin.python;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.uwsgi4j.kernel.api.Options;

/**
 * The options the python plugin reads, parsed once per worker host; defaults live in the
 * plugin's option table.
 *
 * @param wsgiFile          {@code --wsgi-file}/{@code --file}: the app's file, relative to {@code --chdir}
 * @param module            {@code --module}/{@code -w}: {@code pkg.mod[:callable]}
 * @param mounts            {@code --mount MOUNTPOINT=APP}, in order
 * @param eval              {@code --eval}: the app's code
 * @param paste             {@code --paste}: a PasteDeploy URI
 * @param chdir             {@code --chdir}: the workers' directory, against which files are resolved
 * @param callable          {@code --callable}: the app's name in its module
 * @param pyAutoreload      {@code --py-autoreload}: seconds between checks of the app's modules
 * @param pasteLogger       {@code --paste-logger}
 * @param pyTracebacker     {@code --py-tracebacker}: the socket path each worker completes with its id
 * @param pyargv            {@code --pyargv}: the app's sys.argv
 * @param imports           {@code --shared-import}, then {@code --import}: modules imported before the app
 * @param manageScriptName  {@code --manage-script-name}
 * @param pythonpath        {@code --pythonpath}: patterns (globs) added to sys.path
 * @param disableFileWrapper {@code --wsgi-disable-file-wrapper}
 * @param optimize          {@code --optimize}: python's -O level
 * @param interpreter       {@code --python-interpreter}
 * @param home              {@code --home}/{@code --virtualenv}
 */
record PythonOptions(Optional<String> wsgiFile, Optional<String> module, List<String> mounts, Optional<String> eval,
                     Optional<String> paste, Optional<Path> chdir, Optional<String> callable, Optional<String> pyAutoreload,
                     boolean pasteLogger, Optional<String> pyTracebacker, Optional<String> pyargv, List<String> imports,
                     boolean manageScriptName, List<String> pythonpath, boolean disableFileWrapper, int optimize,
                     Optional<String> interpreter, Optional<String> home) {

    static PythonOptions from(Options options) {
        List<String> imports = new ArrayList<>(options.values("shared-import"));
        imports.addAll(options.values("import"));
        return new PythonOptions(options.value("wsgi-file"), options.value("module"), options.values("mount"),
                options.value("eval"), options.value("paste"), options.value("chdir").map(Path::of),
                options.value("callable"), options.value("py-autoreload"), options.isTrue("paste-logger"),
                options.value("py-tracebacker"), options.value("pyargv"), List.copyOf(imports),
                options.isTrue("manage-script-name"), options.values("pythonpath"),
                options.isTrue("wsgi-disable-file-wrapper"), options.intValue("optimize"),
                options.value("python-interpreter"), options.value("home"));
    }

    /** Whether the options name an app for python: a file, a module, a mount, code or a paste URI. */
    boolean namesAnApp() {
        return wsgiFile.isPresent() || module.isPresent() || !mounts.isEmpty() || eval.isPresent() || paste.isPresent();
    }
}
