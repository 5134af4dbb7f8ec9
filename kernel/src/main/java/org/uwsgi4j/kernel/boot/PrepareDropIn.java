package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Constants;
import org.uwsgi4j.kernel.security.CodePaths;

/**
 * Readies the drop-in directory ({@code --bundles-dir}, default {@code bundles/} in the
 * distribution) before the instance is ready, so that a directory the server cannot use ends
 * the start: creates it when missing (checked like {@code plugins/} then; one that existed was
 * checked by {@link CheckCodeDirs}), and puts in place what watches every install: the log
 * lines ({@link DropInLog}), the refusal of what is no bundle ({@link NotABundle}) or of an
 * unsafe file ({@link UnsafeDropIn}), and one version of a plugin at a time
 * ({@link PluginReplacement}). {@link WatchDropIn} starts the watch itself once the instance is
 * ready.
 */
final class PrepareDropIn implements BootStep {

    @Override
    public boolean run(Boot boot) throws StartupException {
        Path dir = boot.dropInDir();
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new StartupException("bundles-dir " + dir + ": cannot create it: " + e.getMessage());
            }
            CheckCodeDirs.refuseOrWarn(boot, "bundles-dir " + dir, new CodePaths(CheckCodeDirs.serverUid(boot)).problem(dir));
        }
        var listener = new DropInLog(dir);
        boot.context.addBundleListener(listener);
        boot.onStop(() -> boot.context.removeBundleListener(listener));
        var replacement = new PluginReplacement(boot.context);
        boot.context.addBundleListener(replacement);
        boot.onStop(() -> boot.context.removeBundleListener(replacement));
        boot.register(ArtifactInstaller.class, new NotABundle(dir));
        if (!boot.kernel.allowUnsafeCodeDirs()) {
            boot.register(ArtifactInstaller.class, new UnsafeDropIn(dir, new CodePaths(CheckCodeDirs.serverUid(boot))),
                    Map.of(Constants.SERVICE_RANKING, Integer.MAX_VALUE));
        }
        return true;
    }
}
