package org.uwsgi4j.kernel.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.Optional;

/**
 * {@code --uid}/{@code --gid}: the workers drop to that user and group before loading the
 * app (docs/worker-protocol.md), so the runtime directory and the worker sockets they connect
 * to are given to that user and group. The master keeps its privileges.
 */
final class WorkerOwnership {

    private WorkerOwnership() {
    }

    /** Gives {@code path} to the workers' user and group, when set; names or numbers. */
    static void apply(Path path, Optional<String> uid, Optional<String> gid) throws IOException {
        if (uid.isEmpty() && gid.isEmpty()) {
            return;
        }
        var lookup = path.getFileSystem().getUserPrincipalLookupService();
        var view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        if (uid.isPresent()) {
            view.setOwner(lookup.lookupPrincipalByName(uid.get()));
        }
        if (gid.isPresent()) {
            view.setGroup(lookup.lookupPrincipalByGroupName(gid.get()));
        }
    }

    /** Checks that the user and group exist; the message names the one that does not. */
    static void check(Optional<String> uid, Optional<String> gid) throws IOException {
        var lookup = java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService();
        if (uid.isPresent()) {
            try {
                lookup.lookupPrincipalByName(uid.get());
            } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
                throw new IOException("uid " + uid.get() + ": no such user");
            }
        }
        if (gid.isPresent()) {
            try {
                lookup.lookupPrincipalByGroupName(gid.get());
            } catch (java.nio.file.attribute.UserPrincipalNotFoundException e) {
                throw new IOException("gid " + gid.get() + ": no such group");
            }
        }
    }
}
