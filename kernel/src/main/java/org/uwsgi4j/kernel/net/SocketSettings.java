package org.uwsgi4j.kernel.net;

import java.util.Optional;
import org.uwsgi4j.kernel.api.Options;

/**
 * The options every listening socket shares.
 *
 * @param listen        the accept backlog ({@code --listen}, uWSGI's default 100)
 * @param reusePort     {@code --reuse-port}
 * @param chmodSocket   {@code --chmod-socket[=mode]} for Unix sockets (bare flag: 0666)
 * @param chownSocket   {@code --chown-socket user[:group]} for Unix sockets
 * @param deferAcceptSeconds {@code TCP_DEFER_ACCEPT} for TCP sockets, as uWSGI sets it: {@code --socket-timeout}, or 0
 *                      (off) with {@code --no-defer-accept}
 */
public record SocketSettings(int listen, boolean reusePort, Optional<Integer> chmodSocket, Optional<String> chownSocket,
        int deferAcceptSeconds) {

    /**
     * The settings {@code options} ask for; defaults are the option table's.
     *
     * @throws IllegalArgumentException when {@code --chmod-socket} is no octal mode
     */
    public static SocketSettings fromOptions(Options options) {
        return new SocketSettings(options.intValue("listen"), options.isTrue("reuse-port"), chmod(options),
                options.value("chown-socket"), options.isTrue("no-defer-accept") ? 0 : options.intValue("socket-timeout"));
    }

    /**
     * {@code --umask}, the process's umask while the sockets are made; empty when not given.
     *
     * @throws IllegalArgumentException when it is no octal mode
     */
    static Optional<Integer> umask(Options options) {
        Optional<String> umask = options.value("umask");
        if (umask.isEmpty()) {
            return Optional.empty();
        }
        int mask = PosixModes.parse(umask.get().strip());
        if (mask < 0) {
            throw new IllegalArgumentException("umask " + umask.get() + ": not an octal mode");
        }
        return Optional.of(mask);
    }

    private static Optional<Integer> chmod(Options options) {
        Optional<String> value = options.value("chmod-socket");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String v = value.get().strip();
        if (v.isEmpty() || v.equals("true")) {
            return Optional.of(0666);
        }
        int mode = PosixModes.parse(v);
        if (mode < 0) {
            throw new IllegalArgumentException("chmod-socket " + v + ": not an octal mode");
        }
        return Optional.of(mode);
    }
}
