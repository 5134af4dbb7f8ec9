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

    /**
     * The refusal of an option uwsgi4j does not support yet (a row with status {@code refused},
     * or a real uWSGI option no bundle declares): {@code uwsgi4j: option --NAME is not
     * supported yet}, followed by where it was set unless that is the command line.
     */
    static ConfigException notSupported(Origin origin, String option) {
        return new ConfigException("uwsgi4j: option --" + option + " is not supported yet"
                + (origin.equals(Origin.COMMAND_LINE) ? "" : " (" + origin + ")"));
    }

    /** An error at {@code origin} about option {@code option}: {@code what}. */
    static ConfigException at(Origin origin, String option, String what) {
        return new ConfigException(origin + ": option '" + option + "': " + what);
    }
}
