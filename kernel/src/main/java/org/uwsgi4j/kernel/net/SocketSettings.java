package org.uwsgi4j.kernel.net;

import java.util.Optional;

/**
 * The options every listening socket shares.
 *
 * @param listen        the accept backlog ({@code --listen}, uWSGI's default 100)
 * @param reusePort     {@code --reuse-port}
 * @param chmodSocket   {@code --chmod-socket[=mode]} for Unix sockets (bare flag: 0666)
 * @param chownSocket   {@code --chown-socket user[:group]} for Unix sockets
 */
public record SocketSettings(int listen, boolean reusePort, Optional<Integer> chmodSocket, Optional<String> chownSocket) {
}
