package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;

/** {@code --chown-socket user[:group]}: gives a Unix socket file to a user and group. */
final class SocketOwner {

    private SocketOwner() {
    }

    static void apply(Path socket, String owner) {
        String[] parts = owner.split(":", 2);
        try {
            var lookup = socket.getFileSystem().getUserPrincipalLookupService();
            var view = Files.getFileAttributeView(socket, PosixFileAttributeView.class);
            if (!parts[0].isEmpty()) {
                view.setOwner(lookup.lookupPrincipalByName(parts[0]));
            }
            if (parts.length == 2 && !parts[1].isEmpty()) {
                view.setGroup(lookup.lookupPrincipalByGroupName(parts[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("chown-socket " + owner + " on " + socket + ": " + e.getMessage(), e);
        }
    }
}
