package org.uwsgi4j.kernel.api;

/**
 * Told when a listening socket's queue is full: the master's once-a-second check found as many
 * connections waiting to be accepted as the socket's backlog holds, the moment it logs uWSGI's
 * {@code *** uWSGI listen queue of socket "…" (fd: N) full !!! (Q/M) ***} (at most once a second
 * per socket). Alarms ({@code --alarm-backlog}) watch it.
 *
 * <p>Register it as an OSGi service (whiteboard); the kernel looks the watchers up when a queue
 * is full (nothing is tracked per request). Called on the kernel's checking thread: return
 * promptly, hand anything long to a thread of your own. An exception is logged in one line.
 */
@FunctionalInterface
public interface ListenQueueWatcher {

    /**
     * The queue of {@code socket} (its name as bound, e.g. {@code 127.0.0.1:8080}; its
     * descriptor {@code fd}, -1 when unknown) holds {@code queued} connections of {@code max}.
     */
    void full(String socket, int fd, long queued, long max);
}
