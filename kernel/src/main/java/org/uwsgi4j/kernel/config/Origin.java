package org.uwsgi4j.kernel.config;

/**
 * Where a configuration entry came from: a file and line, the command line or the
 * environment. Its {@link #toString()} is how errors and {@code --show-origins}-style
 * listings name it: {@code deploy.ini:12}, {@code command line}, {@code environment}.
 *
 * @param source a file name as the user wrote it, or "command line" / "environment"
 * @param line   1-based line in {@code source}, or 0 when lines do not apply
 */
public record Origin(String source, int line) {

    /** The command line. */
    public static final Origin COMMAND_LINE = new Origin("command line", 0);

    /** A {@code UWSGI_*} environment variable. */
    public static final Origin ENVIRONMENT = new Origin("environment", 0);

    /** Line {@code line} of {@code file}. */
    public static Origin of(String file, int line) {
        return new Origin(file, line);
    }

    @Override
    public String toString() {
        return line > 0 ? source + ":" + line : source;
    }
}
