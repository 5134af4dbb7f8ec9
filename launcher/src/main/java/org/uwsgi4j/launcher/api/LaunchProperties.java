package org.uwsgi4j.launcher.api;

/** The framework properties the launcher sets for the kernel (read with {@code BundleContext.getProperty}). */
public final class LaunchProperties {

    /** The command line, its arguments separated by NUL. */
    public static final String ARGV = "uwsgi4j.argv";
    /** The distribution's home directory. */
    public static final String HOME = "uwsgi4j.home";

    private LaunchProperties() {
    }
}
