package org.uwsgi4j.kernel.signal;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.Signals;

/**
 * The file monitors ({@code uwsgi.add_file_monitor}, uWSGI's fsmon on inotify): a directory
 * raises its signal when an entry in it is created, changed or deleted; a file when it is
 * created, changed or deleted. Several events read together raise the signal once. The JDK's
 * {@link WatchService} (inotify on Linux) on one thread of its own, {@code uwsgi4j-fsmon},
 * started at the first monitor. The same monitor added again (a reloaded app) is not added twice.
 */
final class FileMonitors implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileMonitors.class);

    private final IntConsumer raise;
    private final List<Monitor> monitors = new CopyOnWriteArrayList<>();
    private WatchService watcher;

    FileMonitors(IntConsumer raise) {
        this.raise = raise;
    }

    /** Watches {@code path} for {@code signum}; uWSGI's line, or why it cannot. */
    synchronized Signals.Source add(int signum, String path) {
        Path p = Path.of(path).toAbsolutePath().normalize();
        for (Monitor m : monitors) {
            if (m.signum == signum && m.path.equals(p)) {
                return () -> monitors.remove(m);
            }
        }
        boolean dir = Files.isDirectory(p);
        Path watched = dir ? p : p.getParent();
        try {
            if (watcher == null) {
                watcher = FileSystems.getDefault().newWatchService();
                WatchService w = watcher;
                Thread.ofPlatform().daemon().name("uwsgi4j-fsmon").start(() -> run(w));
            }
            WatchKey key = watched.register(watcher, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
            Monitor m = new Monitor(signum, p, dir, key);
            monitors.add(m);
            LOG.info("[uwsgi-fsmon] registered monitor for \"{}\"", path);
            return () -> monitors.remove(m);
        } catch (IOException | RuntimeException e) {
            LOG.info("[uwsgi-fsmon] unable to register monitor for \"{}\": {}", path, e.getMessage());
            throw new IllegalArgumentException("unable to monitor " + path + ": " + e.getMessage());
        }
    }

    private void run(WatchService w) {
        try {
            while (true) {
                WatchKey key = w.take();
                List<WatchEvent<?>> events = key.pollEvents();
                key.reset();
                List<Integer> due = new ArrayList<>();
                for (Monitor m : monitors) {
                    if (m.key == key && !due.contains(m.signum) && m.matches(events)) {
                        due.add(m.signum);
                    }
                }
                due.forEach(raise::accept);
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    @Override
    public synchronized void close() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private record Monitor(int signum, Path path, boolean dir, WatchKey key) {
        boolean matches(List<WatchEvent<?>> events) {
            if (dir) {
                return true;
            }
            for (WatchEvent<?> e : events) {
                if (e.context() instanceof Path name && name.equals(path.getFileName())) {
                    return true;
                }
            }
            return false;
        }
    }
}
