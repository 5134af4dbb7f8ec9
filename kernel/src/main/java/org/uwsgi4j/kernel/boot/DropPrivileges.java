package org.uwsgi4j.kernel.boot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.osgi.framework.Constants;
import org.uwsgi4j.kernel.os.LibcCredentials;
import org.uwsgi4j.kernel.os.UserDb;

/**
 * Drops the master's privileges ({@code --uid}/{@code --gid}, when root; {@link MasterPrivileges})
 * on the master's thread, so no worker generation starts (and writes the bundle cache) halfway
 * through; the Felix bundle cache and the runtime directory are handed to the new user first.
 */
final class DropPrivileges implements BootStep {

    @Override
    public boolean run(Boot boot) throws StartupException, InterruptedException {
        List<Path> handOver = new ArrayList<>();
        Optional.ofNullable(boot.context.getProperty(Constants.FRAMEWORK_STORAGE)).map(Path::of).ifPresent(handOver::add);
        handOver.add(boot.runtimeDir);
        handOver.addAll(boot.handOver);
        var privileges = new MasterPrivileges(new LibcCredentials(), new UserDb());
        var done = new CompletableFuture<Void>();
        boot.master.post(() -> {
            try {
                privileges.drop(boot.pool.uid(), boot.pool.gid(), handOver);
                done.complete(null);
            } catch (StartupException | RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StartupException startup) {
                throw startup;
            }
            throw new IllegalStateException("dropping privileges failed", e.getCause());
        } catch (TimeoutException e) {
            throw new StartupException("--uid/--gid: the master's thread did not get to drop the privileges within 60 s");
        }
        return true;
    }
}
