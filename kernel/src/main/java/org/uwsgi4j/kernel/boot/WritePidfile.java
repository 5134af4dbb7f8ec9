package org.uwsgi4j.kernel.boot;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the master's pid to the pidfile option {@code name} with uWSGI's line:
 * {@code --pidfile} before the privileges are dropped, {@code --pidfile2} after. Each is
 * removed at a clean exit if it still holds this pid and the master may still remove it.
 * A file that cannot be written is logged, as uWSGI does, and the instance goes on.
 */
final class WritePidfile implements BootStep {

    private static final Logger LOG = LoggerFactory.getLogger(WritePidfile.class);

    private final String name;

    WritePidfile(String name) {
        this.name = name;
    }

    @Override
    public boolean run(Boot boot) {
        Optional<Path> file = boot.kernel.pidfile(name);
        if (file.isEmpty()) {
            return true;
        }
        String pid = String.valueOf(ProcessHandle.current().pid());
        LOG.info("writing pidfile to {}", file.get());
        try {
            Files.writeString(file.get(), pid + "\n");
        } catch (IOException e) {
            LOG.error("could not write pidfile {}: {}", file.get(), e.getMessage());
            return true;
        }
        boot.onStop(() -> remove(file.get(), pid));
        return true;
    }

    private static void remove(Path file, String pid) throws IOException {
        try {
            if (Files.readString(file).strip().equals(pid)) {
                Files.delete(file);
            }
        } catch (NoSuchFileException gone) {
            // removed by someone else
        } catch (AccessDeniedException dropped) {
            LOG.info("pidfile {} left in place: the master (now --uid) may not remove it", file);
        }
    }
}
