package org.uwsgi4j.plugin.logencoder;

/**
 * One {@code --logger} / {@code --req-logger} value, {@code [NAME ]TYPE[:ARGS]} as uWSGI splits
 * it: a first word of letters and digits followed by a space names the logger (for
 * {@code --log-route} and the {@code :NAME} of an encoder); the type ends at the first colon.
 *
 * @param option the option it came from
 * @param value  the value as given
 * @param id     the logger's name, or null
 * @param type   {@code file}, {@code fd}, {@code stdio}, {@code socket}, {@code syslog}, {@code rsyslog}
 * @param args   what follows the colon, or null
 */
record LoggerSpec(String option, String value, String id, String type, String args) {

    /** The logger types there are. */
    static final String TYPES = "file, fd, stdio, socket, syslog, rsyslog";

    static LoggerSpec parse(String option, String value) {
        String id = null;
        String rest = value;
        int space = value.indexOf(' ');
        if (space > 0 && value.substring(0, space).chars().allMatch(Character::isLetterOrDigit)) {
            id = value.substring(0, space);
            rest = value.substring(space + 1);
        }
        int colon = rest.indexOf(':');
        String type = colon < 0 ? rest : rest.substring(0, colon);
        String args = colon < 0 || colon + 1 == rest.length() ? null : rest.substring(colon + 1);
        return new LoggerSpec(option, value, id, type, args);
    }

    /** The name shown in the shell and in the kernel's reports. */
    String displayName() {
        return id != null ? id : type + (args == null ? "" : ":" + args);
    }
}
