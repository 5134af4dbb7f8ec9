package org.uwsgi4j.plugin.alarm;

/**
 * uWSGI's anti-loop rule for one alarm ({@code --alarm-freq}, default 3 seconds): a raise with
 * the same message as the last admitted one, less than the period after it, is suppressed; a
 * different message always passes. Time is monotonic nanoseconds, given by the caller.
 */
final class AntiFlood {

    private final long periodNanos;
    private String lastMessage;
    private long lastNanos;
    private long suppressed;

    AntiFlood(long periodSeconds) {
        this.periodNanos = Math.max(0, periodSeconds) * 1_000_000_000L;
    }

    /** True when {@code message} may raise the alarm at {@code nowNanos} (and it becomes the last). */
    synchronized boolean admit(String message, long nowNanos) {
        if (lastMessage != null && lastMessage.equals(message) && nowNanos - lastNanos < periodNanos) {
            suppressed++;
            return false;
        }
        lastMessage = message;
        lastNanos = nowNanos;
        return true;
    }

    /** Raises suppressed since start. */
    synchronized long suppressed() {
        return suppressed;
    }
}
