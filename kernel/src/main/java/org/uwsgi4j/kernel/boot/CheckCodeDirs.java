package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.osgi.framework.hooks.resolver.ResolverHookFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.os.LibcCredentials;
import org.uwsgi4j.kernel.os.UserDb;
import org.uwsgi4j.kernel.security.CodePaths;

/**
 * Refuses to start when a directory the plugins are loaded from (the distribution's
 * {@code plugins/}, every {@code --plugins-dir}) or a jar in one is unsafe by
 * {@link CodePaths}' rule: owned by someone else than root or the server's user, or writable
 * by group or others, itself or a parent. {@code --allow-unsafe-code-dirs} turns each refusal
 * into a warning at every start. The drop-in directory too, when it exists ({@link WatchDropIn}
 * checks one it creates, and keeps unsafe files in it from being installed). From here on,
 * {@link UntrustedBundles} keeps any bundle installed or updated from an unsafe file from
 * resolving.
 */
final class CheckCodeDirs implements BootStep {

    private static final Logger LOG = LoggerFactory.getLogger(CheckCodeDirs.class);
    static final String ACCEPT_OPTION = "allow-unsafe-code-dirs";

    @Override
    public boolean run(Boot boot) throws StartupException, IOException {
        var paths = new CodePaths(serverUid(boot));
        for (Path dir : pluginDirs(boot)) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            refuseOrWarn(boot, "plugins-dir " + dir, paths.problem(dir));
            try (Stream<Path> files = Files.list(dir)) {
                for (Path jar : files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                    refuseOrWarn(boot, "plugins-dir " + dir, paths.problem(jar));
                }
            }
        }
        if (!boot.kernel.allowUnsafeCodeDirs()) {
            var untrusted = new UntrustedBundles(paths);
            boot.context.addBundleListener(untrusted);
            boot.onStop(() -> boot.context.removeBundleListener(untrusted));
            boot.register(ResolverHookFactory.class, untrusted);
        }
        Path dropIn = boot.dropInDir();
        if (Files.isDirectory(dropIn)) {
            refuseOrWarn(boot, "bundles-dir " + dropIn, paths.problem(dropIn));
        }
        return true;
    }

    /** The distribution's {@code plugins/} and every {@code --plugins-dir}, as {@link ConfigStep} scans them. */
    private static List<Path> pluginDirs(Boot boot) {
        List<Path> dirs = new ArrayList<>(List.of(boot.home.resolve("plugins")));
        boot.options.values("plugins-dir").stream().map(Path::of).filter(d -> !dirs.contains(d)).forEach(dirs::add);
        return dirs;
    }

    /**
     * Ends the start with {@code what: unsafe: PROBLEM}, or only warns when the configuration
     * accepts the risk ({@value #ACCEPT_OPTION}).
     */
    static void refuseOrWarn(Boot boot, String what, Optional<String> problem) throws StartupException {
        if (problem.isEmpty()) {
            return;
        }
        if (boot.kernel.allowUnsafeCodeDirs()) {
            LOG.warn("*** WARNING: {}: unsafe: {}; accepted by --{} ***", what, problem.get(), ACCEPT_OPTION);
            return;
        }
        throw new StartupException(what + ": unsafe: " + problem.get() + " (anyone who can write there can run code in the master;"
                + " fix the owner or mode, or accept the risk with --" + ACCEPT_OPTION + ")");
    }

    /** The user the server runs as: {@code --uid} when started as root, else the current one. */
    static int serverUid(Boot boot) throws StartupException {
        int current = new LibcCredentials().uid();
        if (current != 0 || boot.pool.uid().isEmpty()) {
            return current;
        }
        var uid = new UserDb().uid(boot.pool.uid().get());
        if (uid.isEmpty()) {
            throw new StartupException("uid " + boot.pool.uid().get() + ": no such user");
        }
        return uid.getAsInt();
    }
}
