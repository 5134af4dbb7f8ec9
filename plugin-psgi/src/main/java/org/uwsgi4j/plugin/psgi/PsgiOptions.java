package org.uwsgi4j.plugin.psgi;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.uwsgi4j.kernel.api.Options;

/**
 * The options the psgi plugin reads, parsed once per worker host; defaults live in the option
 * tables (the plugin's and the kernel's).
 *
 * @param psgi             {@code --psgi}: the app's file, relative to {@code --chdir}
 * @param mounts           {@code --mount MOUNTPOINT=FILE}, in order (only those this plugin claims)
 * @param manageScriptName {@code --manage-script-name}
 * @param chdir            {@code --chdir}: the workers' directory, against which files are resolved
 * @param localLib         {@code --perl-local-lib}
 * @param argv             {@code --perl-args} (split at spaces), then each {@code --perl-arg}: items for @ARGV
 * @param exec             {@code --perl-exec}: files run before the app loads (before fork)
 * @param execPostFork     {@code --perl-exec-post-fork}: files run in each worker
 * @param noDieCatch       {@code --perl-no-die-catch}
 * @param autoReload       {@code --perl-auto-reload}: seconds between looks at %INC (0: off)
 * @param autoReloadIgnore {@code --perl-auto-reload-ignore}
 * @param noPlack          {@code --perl-no-plack}
 * @param interpreter      {@code --perl-interpreter}
 */
record PsgiOptions(Optional<String> psgi, List<String> mounts, boolean manageScriptName, Optional<Path> chdir,
                   Optional<String> localLib, List<String> argv, List<String> exec, List<String> execPostFork,
                   boolean noDieCatch, int autoReload, List<String> autoReloadIgnore, boolean noPlack,
                   Optional<String> interpreter) {

    static PsgiOptions from(Options options) {
        List<String> argv = new ArrayList<>();
        options.value("perl-args").ifPresent(items -> {
            for (String item : items.trim().split(" +")) {
                if (!item.isEmpty()) {
                    argv.add(item);
                }
            }
        });
        argv.addAll(options.values("perl-arg"));
        return new PsgiOptions(options.value("psgi"), options.values("mount"), options.isTrue("manage-script-name"),
                options.value("chdir").map(Path::of), options.value("perl-local-lib"), List.copyOf(argv),
                options.values("perl-exec"), options.values("perl-exec-post-fork"), options.isTrue("perl-no-die-catch"),
                options.value("perl-auto-reload").isPresent() ? options.intValue("perl-auto-reload") : 0,
                options.values("perl-auto-reload-ignore"), options.isTrue("perl-no-plack"),
                options.value("perl-interpreter"));
    }

    /** Whether the options name an app for perl: a --psgi file or a mount. */
    boolean namesAnApp() {
        return psgi.isPresent() || !mounts.isEmpty();
    }
}
