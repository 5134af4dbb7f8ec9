package org.uwsgi4j.kernel.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.uwsgi4j.kernel.api.WorkerHost;
import org.uwsgi4j.kernel.os.ProcMemory;

/** The operating system's processes: {@link ProcessLauncher}, {@link ProcessHandle} and /proc. */
final class SystemProcesses implements Processes {

    @Override
    public Child start(WorkerHost host, Path socket, String token, String role, int workerId, PoolSettings settings)
            throws IOException {
        Process p = ProcessLauncher.start(host, socket, token, role, workerId, settings);
        return new Child() {
            @Override
            public long pid() {
                return p.pid();
            }

            @Override
            public boolean isAlive() {
                return p.isAlive();
            }

            @Override
            public void terminate() {
                p.destroy();
            }

            @Override
            public void onExit(IntConsumer status) {
                p.onExit().thenRun(() -> status.accept(p.exitValue()));
            }
        };
    }

    @Override
    public boolean isAlive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    public void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Override
    public long rss(long pid) {
        return ProcMemory.of(pid).rss();
    }

    @Override
    public Optional<String> procLine(long pid, String name) {
        try (var lines = Files.lines(Path.of("/proc", Long.toString(pid), name))) {
            return lines.findFirst().map(String::strip).filter(l -> !l.isEmpty());
        } catch (IOException | java.io.UncheckedIOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void awaitExit(long pid, long deadlineNanos) {
        ProcessHandle.of(pid).ifPresent(p -> {
            try {
                p.onExit().get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        });
    }
}
