package org.uwsgi4j.kernel.boot;

import java.util.concurrent.CountDownLatch;
import org.uwsgi4j.kernel.worker.MasterLoop;

/**
 * Publishes the master as a service: from now on the worker runtimes get their pools and the
 * apps load. After the sockets are bound, as in uWSGI, so the log tells of the sockets first
 * and an app that fails to load (with {@code --need-app}) is the last thing it tells.
 *
 * <p>The runtimes of the plugins started with the server are checked on the master's thread
 * as the master is published (their {@code problems}, their worker host); the step waits for
 * that turn of the master, so a runtime that refuses the configuration ends the start-up
 * here (its one line, exit code 1), before the sockets accept and before anything else is logged.
 */
final class PublishMaster implements BootStep {

    @Override
    public boolean run(Boot boot) throws InterruptedException {
        boot.register(MasterLoop.class, boot.master);
        CountDownLatch checked = new CountDownLatch(1);
        boot.master.post(checked::countDown);
        checked.await();
        return !boot.exiting();
    }
}
