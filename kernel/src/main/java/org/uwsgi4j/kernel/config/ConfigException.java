package org.uwsgi4j.kernel.config;

/**
 * A configuration the user got wrong: a missing file, an unknown section, an unterminated
 * block, a placeholder loop, an invalid value, an unknown option under {@code --strict}.
 *
 * <p>{@link #getMessage()} is the one line the user sees, naming where (file:line or
 * "command line"), which option and what is wrong. The caller prints it and exits 1; the
 * stack trace is never shown, so none is filled in.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    /** A user error whose message is {@code message}, one line. */
    public ConfigException(String message) {
        super(message, null, false, false);
    }

    /** An error at {@code origin} about option {@code option}: {@code what}. */
    static ConfigException at(Origin origin, String option, String what) {
        return new ConfigException(origin + ": option '" + option + "': " + what);
    }
}
