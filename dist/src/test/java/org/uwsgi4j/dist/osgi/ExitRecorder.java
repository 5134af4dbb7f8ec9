package org.uwsgi4j.dist.osgi;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.uwsgi4j.launcher.api.ProcessExit;

/**
 * Stands in for the launcher's exit service ({@link ProcessExit}):
 * instead of ending the process it records every code the kernel asks to exit with. The kernel's
 * boot component needs this service, so registering it is what starts the kernel.
 */
final class ExitRecorder implements ProcessExit {

    private final List<Integer> codes = new CopyOnWriteArrayList<>();
    private ServiceRegistration<ProcessExit> registration;

    /** Registers a recorder in {@code context}; the kernel activates once it sees it. */
    static ExitRecorder register(BundleContext context) {
        ExitRecorder recorder = new ExitRecorder();
        recorder.registration = context.registerService(ProcessExit.class, recorder, null);
        return recorder;
    }

    @Override
    public void exit(int code) {
        synchronized (codes) {
            codes.add(code);
            codes.notifyAll();
        }
    }

    /** Every code the kernel asked to exit with, in order. */
    List<Integer> codes() {
        return List.copyOf(codes);
    }

    /** Waits for the first exit request and returns its code; fails when none comes in time. */
    int awaitFirst(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (codes) {
            while (codes.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the kernel did not call the exit service within " + timeout);
                }
                codes.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            return codes.getFirst();
        }
    }

    void unregister() {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework is stopping
        }
    }
}
