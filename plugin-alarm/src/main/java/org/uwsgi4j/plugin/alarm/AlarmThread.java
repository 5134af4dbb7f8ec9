package org.uwsgi4j.plugin.alarm;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A platform thread that runs alarms' actions one after the other, from a bounded queue: each
 * alarm has its own (so a slow action delays only its own alarm), or all share one with
 * {@code --alarm-cheap} (uWSGI's single alarm thread). {@link #offer} never blocks.
 */
final class AlarmThread {

    /** Raises queued per thread before new ones are dropped (counted by their alarm). */
    static final int CAPACITY = 64;

    private record Job(Alarm alarm, String message) {
    }

    private final BlockingQueue<Job> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Thread thread;

    AlarmThread(String name) {
        this.thread = Thread.ofPlatform().daemon().name(name).unstarted(this::loop);
    }

    void start() {
        thread.start();
    }

    /** Queues a raise of {@code alarm}; false when the queue is full. */
    boolean offer(Alarm alarm, String message) {
        return queue.offer(new Job(alarm, message));
    }

    /** Stops after the action running now (queued raises are dropped). */
    void stop() {
        thread.interrupt();
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            Job job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            job.alarm().run(job.message());
        }
    }
}
