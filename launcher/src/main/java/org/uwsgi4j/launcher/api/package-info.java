/**
 * What the launcher and the kernel say to each other, and nothing else:
 *
 * <pre>
 *  launcher ──registers──▶ {@link org.uwsgi4j.launcher.api.ProcessExit}   ◀──calls── kernel (exit code)
 *  launcher ──calls──────▶ {@link org.uwsgi4j.launcher.api.SignalHandler} ◀──registers── kernel (once its master runs)
 *                          {@link org.uwsgi4j.launcher.api.ProcessSignal}: the signals handed over
 *  launcher ──sets───────▶ {@link org.uwsgi4j.launcher.api.LaunchProperties} (framework properties: argv, home)
 *  launcher ──leaves─────▶ {@link org.uwsgi4j.launcher.api.KernelStartedBundles} for the kernel to start
 * </pre>
 *
 * The package lives in the launcher (a plain jar on the class path, not a bundle) and is
 * exported by the system bundle ({@code org.osgi.framework.system.packages.extra}), so both
 * sides see the same classes; the kernel bundle imports it. Both services are looked up by
 * their type, with no service properties.
 */
package org.uwsgi4j.launcher.api;
