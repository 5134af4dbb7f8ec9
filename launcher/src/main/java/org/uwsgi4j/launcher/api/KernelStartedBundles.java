package org.uwsgi4j.launcher.api;

import java.util.Set;

/**
 * The core bundles the launcher installs but leaves to the kernel to start, by symbolic name:
 * the kernel starts them when the configuration asks for them, so an instance that uses none
 * of them does not pay for them at start-up or at rest (docs/distribution.md, "Start-up time").
 */
public final class KernelStartedBundles {

    /** Apache Felix FileInstall, started once the drop-in directory is configured. */
    public static final String FILEINSTALL = "org.apache.felix.fileinstall";
    /** Felix Configuration Admin, started with FileInstall: the drop-in directory is configured through it. */
    public static final String CONFIGADMIN = "org.apache.felix.configadmin";
    /** The Gogo runtime (the CommandProcessor), started when a shell is asked for ({@code --shell}, {@code --shell-socket}). */
    public static final String GOGO_RUNTIME = "org.apache.felix.gogo.runtime";
    /** Felix's own Gogo commands (lb, install, start …), started with the runtime. */
    public static final String GOGO_COMMAND = "org.apache.felix.gogo.command";
    /** The Gogo console, started with {@code --shell}. */
    public static final String GOGO_SHELL = "org.apache.felix.gogo.shell";
    /** All of them. */
    public static final Set<String> ALL = Set.of(FILEINSTALL, CONFIGADMIN, GOGO_RUNTIME, GOGO_COMMAND, GOGO_SHELL);

    private KernelStartedBundles() {
    }
}
