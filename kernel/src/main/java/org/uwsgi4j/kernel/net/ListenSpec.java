package org.uwsgi4j.kernel.net;

/**
 * A socket to listen on, as one {@code --socket} or {@code --http-socket} option asked.
 *
 * @param protocol  what it speaks
 * @param address   where it listens
 * @param modifier1 the modifier1 requests on it get (HTTP sockets: {@code --http-socket-modifier1};
 *                  uwsgi sockets carry their own in each packet)
 */
public record ListenSpec(Protocol protocol, SocketAddressSpec address, int modifier1) {
}
