package org.uwsgi4j.plugin.alarm;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.uwsgi4j.plugin.alarm.api.AlarmAction;

/**
 * One configured alarm ({@code --alarm "NAME TYPE:ARGS"}): its action (prepared by the action
 * type, or none while the type's bundle is away), the anti-flood state, the thread that runs it,
 * and what {@code uwsgi:alarms} shows. {@link #trigger} may be called from any thread and never
 * blocks: the message is checked, cut to {@code --alarm-msg-size} bytes and queued for the
 * alarm's thread, which {@link #run}s the action.
 */
final class Alarm {

    final AlarmDefinitions.Definition definition;
    private final AntiFlood flood;
    private final int maxBytes;
    private final Consumer<String> log;
    private AlarmThread thread;
    private volatile AlarmAction.Raise action;
    private final AtomicLong raised = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong unreported = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile Instant lastRaise;
    private volatile String lastMessage = "";
    private volatile String lastFailure = "";
    private volatile boolean missingReported;

    /**
     * @param log where the alarm's own lines go (the kernel's unwatched log: never back to alarms)
     */
    Alarm(AlarmDefinitions.Definition definition, long freqSeconds, int maxBytes, Consumer<String> log) {
        this.definition = definition;
        this.flood = new AntiFlood(freqSeconds);
        this.maxBytes = Math.max(1, maxBytes);
        this.log = log;
    }

    String name() {
        return definition.name();
    }

    void runOn(AlarmThread thread) {
        this.thread = thread;
    }

    /** The prepared action, or null while its type is away. */
    void action(AlarmAction.Raise action) {
        this.action = action;
        if (action != null) {
            missingReported = false;
        }
    }

    boolean hasAction() {
        return action != null;
    }

    /**
     * Raises the alarm with {@code message} unless the anti-flood rule suppresses it; queued for
     * the alarm's thread (a full queue drops it, counted). Any thread; never blocks.
     */
    void trigger(String message, long nowNanos) {
        String m = cut(message, maxBytes);
        if (!flood.admit(m, nowNanos)) {
            return;
        }
        if (!thread.offer(this, m)) {
            dropped.incrementAndGet();
            unreported.incrementAndGet();
        }
    }

    /** On the alarm's thread: runs the action; a failure is one line. */
    void run(String message) {
        long lost = unreported.getAndSet(0);
        if (lost > 0) {
            log.accept("[uwsgi-alarm] alarm " + name() + " dropped " + lost + " message(s): its action is too slow");
        }
        AlarmAction.Raise a = action;
        if (a == null) {
            if (!missingReported) {
                missingReported = true;
                log.accept("[uwsgi-alarm] alarm " + name() + " not raised: no alarm type \"" + definition.type() + "\" (its plugin is gone)");
            }
            return;
        }
        raised.incrementAndGet();
        lastRaise = Instant.now();
        lastMessage = message;
        try {
            a.raise(message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | LinkageError e) {
            failed.incrementAndGet();
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            lastFailure = why;
            log.accept("[uwsgi-alarm-" + definition.type() + "] alarm " + name() + " failed: " + why.replace('\n', ' '));
        }
    }

    /** {@code message} cut to at most {@code maxBytes} bytes of UTF-8 (uWSGI's {@code --alarm-msg-size}). */
    static String cut(String message, int maxBytes) {
        if (message.length() * 3L <= maxBytes) {
            return message;
        }
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return message;
        }
        int end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--; // not in the middle of a character
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    /** What {@code uwsgi:alarms} shows of it. */
    record Status(String name, String action, long raised, long suppressed, long dropped, long failed, Instant lastRaise,
                  String lastMessage, String lastFailure, boolean ready) {
    }

    Status status() {
        return new Status(name(), definition.type() + ":" + definition.args(), raised.get(), flood.suppressed(), dropped.get(),
                failed.get(), lastRaise, lastMessage, lastFailure, action != null);
    }
}
