package org.uwsgi4j.kernel.boot;

import java.io.File;
import java.io.IOException;
import java.util.jar.JarFile;
import java.nio.file.Path;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims the {@code .jar} files of the drop-in directory that are no bundles (not a zip, or
 * no bundle manifest), which FileInstall would otherwise ignore without a word: each is
 * logged in one line and otherwise left alone. Real bundles are left to FileInstall.
 */
final class NotABundle implements ArtifactInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(NotABundle.class);
    private final Path dir;

    NotABundle(Path dir) {
        this.dir = dir;
    }

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().endsWith(".jar") && artifact.toPath().toAbsolutePath().normalize().startsWith(dir)
                && !isBundle(artifact);
    }

    private static boolean isBundle(File artifact) {
        try (JarFile jar = new JarFile(artifact)) {
            var manifest = jar.getManifest();
            return manifest != null && manifest.getMainAttributes().getValue("Bundle-SymbolicName") != null;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void install(File artifact) {
        LOG.warn("bundles-dir: ignoring {}: not an OSGi bundle (unreadable jar or no bundle manifest)", artifact);
    }

    @Override
    public void update(File artifact) {
        install(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        // nothing was installed
    }
}
