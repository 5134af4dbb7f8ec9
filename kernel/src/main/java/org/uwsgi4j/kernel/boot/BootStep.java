package org.uwsgi4j.kernel.boot;

/**
 * One named step of the start-up ({@link Kernel} lists them in order). A step reads what the
 * steps before it left in {@link Boot} and leaves what it made there.
 */
interface BootStep {

    /**
     * Runs the step on the boot thread.
     *
     * @return true to go on with the next step; false when this step has ended the start-up
     *         and asked for the exit ({@link Boot#exit}), e.g. {@code --version} or {@code --dry-run}
     * @throws StartupException for a user's mistake: the start-up ends with its one-line message and exit code 1
     */
    boolean run(Boot boot) throws Exception;
}
