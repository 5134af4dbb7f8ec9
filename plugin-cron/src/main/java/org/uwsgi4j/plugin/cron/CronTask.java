package org.uwsgi4j.plugin.cron;

/**
 * One cron task as the options (or {@code uwsgi.add_cron}) define it, and what the scheduler
 * remembers of it. The definition is immutable; the state is the scheduler's (its own thread)
 * and is read by the shell.
 *
 * @param schedule  when it is due
 * @param kind      a shell command, an HTTP GET ({@code --curl-cron}) or a signal ({@code uwsgi.add_cron})
 * @param action    the command, the URL, or the signal number
 * @param unique    skipped while its last run still runs ({@code --unique-cron}, cron2 {@code unique=1})
 * @param harakiri  seconds a command may run before it is killed; 0 none; -1 never (cron2 {@code harakiri=0} over {@code --cron-harakiri})
 * @param legion    the legion whose lord alone runs it, or null
 */
record CronTask(CronSchedule schedule, Kind kind, String action, boolean unique, int harakiri, String legion) {

    /** What a task does when due. */
    enum Kind { COMMAND, CURL, SIGNAL }

    /** The line the start-up and the shell show: {@code -1 -1 -1 -1 -1 "echo hi"}. */
    String describe() {
        String what = switch (kind) {
            case COMMAND -> "command \"" + action + "\"";
            case CURL -> "url \"" + action + "\"";
            case SIGNAL -> "signal " + action;
        };
        return schedule + " " + what + (unique ? " (unique)" : "") + (legion == null ? "" : " (legion " + legion + ")");
    }
}
