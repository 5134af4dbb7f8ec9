package org.uwsgi4j.plugin.alarm;

/** The signals {@code --alarm-segfault} calls a crash (uWSGI raises it from its SIGSEGV/SIGBUS/SIGFPE/SIGILL/SIGABRT handler). */
final class Crash {

    private Crash() {
    }

    /** The name of crash signal {@code signal} on Linux, or null when it is no crash (SIGKILL of a harakiri, SIGTERM …). */
    static String name(int signal) {
        return switch (signal) {
            case 4 -> "SIGILL";
            case 6 -> "SIGABRT";
            case 7 -> "SIGBUS";
            case 8 -> "SIGFPE";
            case 11 -> "SIGSEGV";
            default -> null;
        };
    }
}
