package org.uwsgi4j.kernel.boot;

import java.util.ArrayList;
import java.util.List;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.net.ListenSpec;
import org.uwsgi4j.kernel.net.Protocol;
import org.uwsgi4j.kernel.net.SocketAddressSpec;

/**
 * uWSGI's rule for an embedded gateway ({@code plugins/http/http.c}, {@code http_init}): a
 * router that listens ({@code --http}, {@code --https}, {@code --http-to-https}) and has no backend of its own
 * ({@code --http-to}, {@code --http-subscription-server}) forwards to this instance's workers
 * through its first uwsgi socket; when the configuration gives none, an internal one is bound
 * on 127.0.0.1 with a port the system picks (logged as uWSGI does: {@code uwsgi socket 0 bound
 * to TCP address 127.0.0.1:37223 (port auto-assigned)}).
 *
 * <p>The kernel only knows the options' names here (they belong to the http plugin); which
 * socket the router uses is its business, through {@link org.uwsgi4j.kernel.api.Listeners#uwsgiSocket()}.
 */
final class EmbeddedSocket {

    /** The options that put a router on a socket. */
    private static final List<String> GATEWAYS = List.of("http", "https", "http-to-https");
    /** The options that give a router backends of its own. */
    private static final List<String> BACKENDS = List.of("http-to", "http-subscription-server");

    private EmbeddedSocket() {
    }

    /** Whether a router listens: the instance serves through it even with no socket of its own. */
    static boolean hasRouter(Options options) {
        return GATEWAYS.stream().anyMatch(o -> !options.values(o).isEmpty());
    }

    /** {@code specs}, with an internal uwsgi socket first when an embedded router needs one. */
    static List<ListenSpec> withInternal(List<ListenSpec> specs, Options options) throws SocketAddressSpec.InvalidAddressException {
        boolean router = hasRouter(options);
        boolean backends = BACKENDS.stream().anyMatch(o -> !options.values(o).isEmpty());
        boolean hasUwsgi = specs.stream().anyMatch(s -> s.protocol() == Protocol.UWSGI);
        if (!router || backends || hasUwsgi) {
            return specs;
        }
        List<ListenSpec> with = new ArrayList<>();
        with.add(new ListenSpec(Protocol.UWSGI, SocketAddressSpec.parse("127.0.0.1:0"), 0));
        with.addAll(specs);
        return with;
    }
}
