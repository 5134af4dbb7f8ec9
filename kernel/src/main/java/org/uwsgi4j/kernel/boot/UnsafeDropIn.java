package org.uwsgi4j.kernel.boot;

import java.io.File;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.felix.fileinstall.ArtifactInstaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.security.CodePaths;

/**
 * Claims every file of the drop-in directory that is unsafe by {@link CodePaths}' rule (a jar,
 * or a {@code .cfg}/{@code .config} that FileInstall would make a Configuration Admin
 * configuration): it is not installed, and that is logged once each time FileInstall hands it
 * over. Registered with the highest ranking, so FileInstall asks it before its own bundle and
 * configuration handlers.
 *
 * <p>A file FileInstall installed while it was safe stays with FileInstall's handler when it is
 * changed later; only the file's owner (or root) could have made it unsafe, in a directory
 * that was safe at start-up.
 */
final class UnsafeDropIn implements ArtifactInstaller {

    private static final Logger LOG = LoggerFactory.getLogger(UnsafeDropIn.class);
    private final Path dir;
    private final CodePaths paths;

    UnsafeDropIn(Path dir, CodePaths paths) {
        this.dir = dir;
        this.paths = paths;
    }

    @Override
    public boolean canHandle(File artifact) {
        return problem(artifact).isPresent();
    }

    private Optional<String> problem(File artifact) {
        Path file = artifact.toPath().toAbsolutePath().normalize();
        return file.startsWith(dir) ? paths.problem(file) : Optional.empty();
    }

    @Override
    public void install(File artifact) {
        problem(artifact).ifPresent(why -> LOG.warn("bundles-dir: not installing {}: unsafe: {}", artifact, why));
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
