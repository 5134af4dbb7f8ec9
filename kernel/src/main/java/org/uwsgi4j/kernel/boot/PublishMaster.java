package org.uwsgi4j.kernel.boot;

import org.uwsgi4j.kernel.worker.MasterLoop;

/**
 * Publishes the master as a service: from now on the worker runtimes get their pools and the
 * apps load. After the sockets are bound, as in uWSGI, so the log tells of the sockets first
 * and an app that fails to load (with {@code --need-app}) is the last thing it tells.
 */
final class PublishMaster implements BootStep {

    @Override
    public boolean run(Boot boot) {
        boot.register(MasterLoop.class, boot.master);
        return true;
    }
}
