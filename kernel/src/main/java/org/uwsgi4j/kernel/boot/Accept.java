package org.uwsgi4j.kernel.boot;

/** Starts accepting on the sockets and the stats server {@link BindSockets} bound. */
final class Accept implements BootStep {

    @Override
    public boolean run(Boot boot) {
        boot.acceptors.forEach(Runnable::run);
        return true;
    }
}
