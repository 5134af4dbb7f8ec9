package org.uwsgi4j.launcher.api;

/**
 * Ends the process: registered by the launcher in the framework before the kernel starts (the
 * kernel's boot component waits for it). The launcher then stops the framework and exits the
 * JVM with the code.
 */
public interface ProcessExit {

    /** The instance ends normally: a shutdown signal, or an option that prints and exits. */
    int SUCCESS = 0;
    /** The instance could not start: a bad configuration, a socket that cannot be bound … */
    int FAILURE = 1;

    /**
     * Asks for the process to end with {@code code}. Returns at once, from any thread; the
     * first call decides the code, later ones are ignored.
     */
    void exit(int code);
}
