package org.uwsgi4j.launcher.api;

import java.util.Set;

/**
 * The core bundles the launcher installs but leaves to the kernel to start, by symbolic name:
 * the kernel starts them when the configuration asks for them.
 */
public final class KernelStartedBundles {

    /** Apache Felix FileInstall, started once the drop-in directory is configured. */
    public static final String FILEINSTALL = "org.apache.felix.fileinstall";
    /** The Gogo console, started with {@code --shell}. */
    public static final String GOGO_SHELL = "org.apache.felix.gogo.shell";
    /** Both. */
    public static final Set<String> ALL = Set.of(FILEINSTALL, GOGO_SHELL);

    private KernelStartedBundles() {
    }
}
