package org.uwsgi4j.kernel.boot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.uwsgi4j.kernel.api.Options;

/**
 * The options the boot steps read, parsed once ({@link ReadConfig}); defaults live in the
 * kernel's option table.
 *
 * @param version           {@code --version}: print the version and exit
 * @param help              {@code --help}: print the options and exit
 * @param pluginsList       {@code --plugins-list}: print the available plugins and exit
 * @param runtimeDir        {@code --runtime-dir}: where the worker sockets go (default: a private temp directory)
 * @param touchReload       {@code --touch-reload}, then {@code --touch-workers-reload}: files whose touch reloads the workers
 * @param touchChainReload  {@code --touch-chain-reload}: files whose touch chain-reloads the workers
 * @param stats             {@code --stats}: the stats server's address
 * @param pidfile           {@code --pidfile}: written before the privileges are dropped
 * @param pidfile2          {@code --pidfile2}: written after
 * @param bundlesDir        {@code --bundles-dir}: the drop-in directory (default: {@code bundles/} in the distribution)
 * @param shell             {@code --shell}: the Gogo console on the terminal
 * @param shellSocket       {@code --shell-socket}: the address of the Gogo shell
 * @param shellSocketPublic {@code --shell-socket-public}: a non-loopback shell address is allowed
 * @param shellTokenFile    {@code --shell-token-file}: the file holding the token a TCP shell's clients must send first
 * @param allowUnsafeCodeDirs {@code --allow-unsafe-code-dirs}: unsafe code directories and jars are warned about, not refused
 */
record KernelSettings(boolean version, boolean help, boolean pluginsList, Optional<Path> runtimeDir,
                      List<Path> touchReload, List<Path> touchChainReload, Optional<String> stats,
                      Optional<Path> pidfile, Optional<Path> pidfile2, Optional<Path> bundlesDir,
                      boolean shell, Optional<String> shellSocket, boolean shellSocketPublic,
                      Optional<Path> shellTokenFile, boolean allowUnsafeCodeDirs) {

    static KernelSettings from(Options options) {
        List<Path> touched = new ArrayList<>();
        for (String name : List.of("touch-reload", "touch-workers-reload")) {
            options.values(name).forEach(f -> touched.add(Path.of(f)));
        }
        return new KernelSettings(options.isTrue("version"), options.isTrue("help"), options.isTrue("plugins-list"),
                options.value("runtime-dir").map(Path::of), List.copyOf(touched),
                options.values("touch-chain-reload").stream().map(Path::of).toList(),
                options.value("stats"), options.value("pidfile").map(Path::of), options.value("pidfile2").map(Path::of),
                options.value("bundles-dir").map(Path::of), options.isTrue("shell"), options.value("shell-socket"),
                options.isTrue("shell-socket-public"), options.value("shell-token-file").map(Path::of),
                options.isTrue("allow-unsafe-code-dirs"));
    }

    /** The pidfile option {@code name} ({@code pidfile} or {@code pidfile2}). */
    Optional<Path> pidfile(String name) {
        return name.equals("pidfile2") ? pidfile2 : pidfile;
    }
}
