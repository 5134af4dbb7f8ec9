package org.uwsgi4j.plugin.rack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.uwsgi4j.kernel.api.Options;

/**
 * The options the rack plugin reads, parsed once per worker host; defaults live in the plugin's
 * option table.
 *
 * @param rack        {@code --rack}: the app's config.ru (or .rb), relative to {@code --chdir}
 * @param rails       {@code --rails DIR}: the directory whose config.ru is the app (and the workers' directory)
 * @param mounts      {@code --mount MOUNTPOINT=APP} of the .ru/.rb apps this plugin claims, in order
 * @param chdir       {@code --chdir}: the workers' directory, against which files are resolved
 * @param gcFreq      {@code --ruby-gc-freq}/{@code --rb-gc-freq}: a full GC every N requests; empty: ruby's own GC
 * @param libs        {@code --rb-lib}/{@code --ruby-lib}: directories prepended to {@code $LOAD_PATH}
 * @param requires    {@code --shared-rb-require}, then {@code --rb-require}: required before the app
 * @param gemset      {@code --gemset}/{@code --rvm}: an RVM gemset whose environment the workers run in
 * @param rvmPaths    {@code --rvm-path}: directories searched for RVM before {@code ~/.rvm} and {@code /usr/local/rvm}
 * @param interpreter {@code --ruby-interpreter}: the ruby that runs the workers
 * @param manageScriptName {@code --manage-script-name}
 */
record RackOptions(Optional<String> rack, Optional<String> rails, List<String> mounts, Optional<Path> chdir,
                   Optional<Integer> gcFreq, List<String> libs, List<String> requires, Optional<String> gemset,
                   List<String> rvmPaths, Optional<String> interpreter, boolean manageScriptName) {

    static RackOptions from(Options options) {
        List<String> requires = new ArrayList<>(options.values("shared-rb-require"));
        requires.addAll(options.values("rb-require"));
        return new RackOptions(options.value("rack"), options.value("rails"), options.values("mount"),
                options.value("chdir").map(Path::of),
                options.value("ruby-gc-freq").map(String::strip).filter(v -> !v.isEmpty()).map(Integer::valueOf),
                options.values("rb-lib"), List.copyOf(requires), options.value("gemset"), options.values("rvm-path"),
                options.value("ruby-interpreter"), options.isTrue("manage-script-name"));
    }

    /** Whether the options name an app for rack: a --rack file, a --rails directory or a mount. */
    boolean namesAnApp() {
        return rack.isPresent() || rails.isPresent() || !mounts.isEmpty();
    }

    /** The workers' directory: {@code --rails DIR} (against {@code --chdir}), else {@code --chdir}, else the kernel's. */
    Path directory() {
        Path cwd = chdir.orElse(Path.of("")).toAbsolutePath();
        return rails.map(cwd::resolve).orElse(cwd).normalize();
    }
}
