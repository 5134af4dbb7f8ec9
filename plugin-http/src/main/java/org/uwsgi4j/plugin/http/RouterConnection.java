package org.uwsgi4j.plugin.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.HttpHead;
import org.uwsgi4j.kernel.api.LocalUwsgi;
import org.uwsgi4j.kernel.api.UwsgiVars;

/**
 * One client connection of the router, served on its own virtual thread, one request after
 * the other (pipelined requests wait in the read buffer):
 *
 * <pre>
 *  head (--http-headers-timeout) ─▶ whole body buffered (RequestBody) ─▶ uwsgi packet
 *    ─▶ for each backend in turn (Backends.order): connect (--http-connect-timeout), send packet + body,
 *       read the response head (--http-timeout)
 *         refused / reset / nothing before EOF ─▶ next backend (after sending: idempotent methods only)
 *    ─▶ ResponseRelay: head and body to the client ─▶ keep-alive ? next request : close
 * </pre>
 *
 * The backend's connection carries one request and closes after its response, as the uwsgi
 * protocol does. No backend left: 502; a backend that timed out: 504. A malformed request gets
 * the kernel's parser's status and the connection closes.
 */
final class RouterConnection implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(RouterConnection.class);
    /** Methods that may be sent again to another backend when the first gave no response byte (RFC 9110, 9.2.2). */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE");
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final Router router;
    private final SocketChannel channel;
    private final ClientIo client;
    private final Front front;
    private final ByteBuffer in;
    private final HttpHead head;
    private final UwsgiVars vars;
    private final RequestBody body;
    /** The relay's buffer, one per connection. */
    private final byte[] relayBuffer = new byte[16 * 1024];
    private Deadlines.Watched watched;
    private String remoteAddr = "";
    /** HTTPS_CLIENT_CERTIFICATE of the request being served (DER), or null. */
    private byte[] clientCertificate;
    private int remotePort = -1;

    /**
     * @param channel the accepted connection
     * @param client  its bytes: {@code channel} itself, or TLS over it ({@code --https})
     * @param front   the address it came to
     */
    RouterConnection(Router router, SocketChannel channel, ClientIo client, Front front) {
        this.router = router;
        this.channel = channel;
        this.client = client;
        this.front = front;
        this.in = ByteBuffer.allocate(Math.max(16 * 1024, router.settings().bufferSize() + 1024)).flip();
        this.head = router.heads().newHead(router.settings().bufferSize());
        this.vars = router.packets().newVars();
        this.body = new RequestBody(router.settings().postBuffering());
    }

    @Override
    public void run() {
        router.stats().activeSessions.incrementAndGet();
        watched = router.deadlines().watch();
        watched.client(client);
        try (client; channel) {
            if (channel.getRemoteAddress() instanceof InetSocketAddress a) {
                remoteAddr = a.getAddress().getHostAddress();
                remotePort = a.getPort();
            }
            boolean first = true;
            while (serveOne(first)) {
                first = false;
            }
        } catch (IOException e) {
            // the client went away or a deadline closed the connection: nothing to answer
        } finally {
            router.stats().activeSessions.decrementAndGet();
            router.deadlines().forget(watched);
            try {
                body.clear();
            } catch (IOException ignored) {
                // the temp file is gone with its channel
            }
        }
    }

    /** Serves one request; whether the connection stays for the next one. */
    private boolean serveOne(boolean first) throws IOException {
        RouterSettings s = router.settings();
        head.reset();
        watched.arm((first ? s.headersTimeout() : s.idleTimeout()).toNanos());
        boolean started = false;
        try {
            while (!head.parse(in)) {
                if (!started && head.isStarted()) {
                    started = true;
                    watched.arm(s.headersTimeout().toNanos());
                }
                if (readMore() < 0) {
                    return false; // an idle keep-alive connection closed, or a cut head: nothing to answer
                }
            }
        } catch (HttpHead.BadRequest e) {
            LOG.warn("[uwsgi-http] {}: {}", remoteAddr, e.getMessage());
            ResponseRelay.error(client, e.status(), false);
            return false;
        }
        watched.arm(s.timeout().toNanos());
        boolean clientKeeps = s.keepAlive() && head.keepAlive();
        try {
            if (!readBody()) {
                return false;
            }
            vars.clear();
            if (front.redirects()) {
                return redirect(clientKeeps);
            }
            head.vars(s.serverName(), front.port(), remoteAddr, remotePort, front.tls() != null, vars);
        } catch (HttpHead.BadRequest e) {
            LOG.warn("[uwsgi-http] {}: {}", remoteAddr, e.getMessage());
            ResponseRelay.error(client, e.status(), false);
            return false;
        }
        if (head.contentLength() < 0) {
            vars.add("CONTENT_LENGTH", Long.toString(body.length()));
        }
        clientCertificate = null;
        if (client instanceof ClientIo.Tls tls) {
            tlsVars(tls);
        }
        vars.add("UWSGI_ROUTER", "http");
        for (var v : s.vars()) {
            vars.add(v.getKey(), v.getValue());
        }
        ByteBuffer packet;
        try {
            packet = ByteBuffer.allocate(vars.packetSize());
            vars.writePacket(s.modifier1(), s.modifier2(), packet);
        } catch (IllegalStateException e) {
            LOG.warn("[uwsgi-http] {}: {}", remoteAddr, e.getMessage());
            ResponseRelay.error(client, 431, false);
            return false;
        }
        packet.flip();
        if (clientCertificate != null) {
            try {
                packet = BinaryVar.append(packet, "HTTPS_CLIENT_CERTIFICATE", clientCertificate);
            } catch (IllegalStateException e) {
                LOG.warn("[uwsgi-http] {}: {}", remoteAddr, e.getMessage());
                ResponseRelay.error(client, 431, false);
                return false;
            }
        }
        return forward(packet, clientKeeps);
    }

    /** uWSGI's variables of a client certificate: HTTPS_DN (its subject), HTTPS_CC (PEM, with --https-export-cert). */
    private void tlsVars(ClientIo.Tls tls) {
        var cert = TlsContext.peer(tls.socket().getSession());
        if (cert == null) {
            return;
        }
        vars.add("HTTPS_DN", cert.getSubjectX500Principal().getName());
        if (router.foreignBackends()) {
            try { // uWSGI's raw DER; binary, which this instance's own socket refuses (docs/plugins/http.md)
                clientCertificate = cert.getEncoded();
            } catch (java.security.cert.CertificateEncodingException e) {
                LOG.warn("[uwsgi-http] client certificate not passed on: {}", e.getMessage());
            }
        }
        if (router.settings().exportCert()) {
            try {
                String pem = "-----BEGIN CERTIFICATE-----\n"
                        + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(cert.getEncoded())
                        + "\n-----END CERTIFICATE-----\n";
                vars.add("HTTPS_CC", pem);
            } catch (java.security.cert.CertificateEncodingException e) {
                LOG.warn("[uwsgi-http] client certificate not exported: {}", e.getMessage());
            }
        }
    }

    /**
     * {@code --http-to-https}: uWSGI's 301 to the same host (without its port) on HTTPS, at
     * the configured port, with the same request URI.
     */
    private boolean redirect(boolean keep) throws IOException {
        String host = head.header("Host");
        if (host == null || host.isEmpty()) {
            host = router.settings().serverName();
        }
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            host = close > 0 ? host.substring(0, close + 1) : host;
        } else if (host.indexOf(':') >= 0) {
            host = host.substring(0, host.indexOf(':'));
        }
        String location = "https://" + host + (front.redirectPort().isEmpty() ? "" : ":" + front.redirectPort()) + head.target();
        String text = "HTTP/1.1 301 Moved Permanently\r\nLocation: " + location + "\r\nContent-Length: 0\r\n"
                + (keep ? "" : "Connection: close\r\n") + "\r\n";
        watched.arm(router.settings().timeout().toNanos());
        client.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1)));
        return keep;
    }

    /** Reads the whole body into {@link #body}; false when the client went away first. */
    private boolean readBody() throws IOException, HttpHead.BadRequest {
        body.clear();
        long length = head.contentLength();
        if (length != 0 && head.expectContinue()) {
            client.write(ByteBuffer.wrap(CONTINUE));
        }
        long timeout = router.settings().timeout().toNanos();
        if (length > 0) {
            long left = length;
            while (left > 0) {
                if (!in.hasRemaining() && readMore() < 0) {
                    return false;
                }
                int n = (int) Math.min(left, in.remaining());
                body.write(in.array(), in.arrayOffset() + in.position(), n);
                in.position(in.position() + n);
                left -= n;
                watched.arm(timeout);
            }
        } else if (length < 0) {
            while (!head.decodeChunk(in, body)) {
                if (readMore() < 0) {
                    return false;
                }
                watched.arm(timeout);
            }
        }
        return true;
    }

    /** Tries the backends in turn; whether the client connection stays. */
    private boolean forward(ByteBuffer packet, boolean clientKeeps) throws IOException {
        RouterSettings s = router.settings();
        boolean idempotent = IDEMPOTENT.contains(head.method());
        boolean timedOut = false;
        for (Backends.Node node : router.backends().order(head.header("Host"))) {
            packet.rewind();
            if (node.modifier1 >= 0) { // a subscribed node's own modifiers, unless the router sets its own (as uWSGI)
                packet.put(0, (byte) (s.modifier1() != 0 ? s.modifier1() : node.modifier1));
                packet.put(3, (byte) (s.modifier2() != 0 ? s.modifier2() : node.modifier2));
            }
            ReadableByteChannel backend = send(node, packet);
            if (backend == null) {
                router.backends().failed(node);
                continue; // nothing was sent: any method may go to the next node
            }
            watched.backend(backend);
            try (backend) {
                var relay = new ResponseRelay(router.settings(), client, backend, watched, head, clientKeeps, relayBuffer);
                ResponseRelay.Outcome outcome = relay.relay();
                if (relay.complete() && backend instanceof LocalUwsgi.Reply reply) {
                    reply.release(); // before the close: the whole response is here, no client went away
                }
                switch (outcome) {
                    case KEEP -> {
                        router.backends().answered(node);
                        return true;
                    }
                    case CLOSE -> {
                        router.backends().answered(node);
                        return false;
                    }
                    case NO_RESPONSE -> {
                        if (watched.expired()) {
                            timedOut = true;
                            LOG.warn("[uwsgi-http] node \"{}\" sent no response in {} s: {} {}", node.name,
                                    router.settings().timeout().toSeconds(), head.method(), vars.get("REQUEST_URI"));
                            break;
                        }
                        LOG.warn("[uwsgi-http] node \"{}\" closed the connection without a response{}", node.name,
                                idempotent ? ": trying the next one" : "");
                        router.backends().failed(node);
                        if (!idempotent) {
                            break;
                        }
                        continue;
                    }
                }
                break;
            } finally {
                watched.backend(null);
            }
        }
        if (!client.isOpen()) {
            return false;
        }
        watched.arm(router.settings().timeout().toNanos());
        ResponseRelay.error(client, timedOut ? 504 : 502, clientKeeps);
        return clientKeeps;
    }

    /**
     * Sends the request ({@code packet}, then the body) to {@code node} and returns where its
     * response comes from: a connection, or for this instance's own socket the kernel's reply in
     * the JVM (no socket). Null when the node could not be reached (logged as uWSGI does).
     */
    private ReadableByteChannel send(Backends.Node node, ByteBuffer packet) throws IOException {
        if (node.local != null) {
            watched.armBackend(router.settings().timeout().toNanos());
            return node.local.serve(packet, body.open());
        }
        SocketChannel backend;
        try {
            backend = router.connect(node, watched);
        } catch (IOException e) {
            LOG.warn("[uwsgi-http] unable to connect() to node \"{}\" (0 retries): {}", node.name,
                    watched.expired() ? "timeout" : e.getMessage());
            return null;
        }
        watched.backend(backend);
        watched.armBackend(router.settings().timeout().toNanos());
        try {
            body.sendAfter(packet, backend);
        } catch (IOException e) {
            // the node closed before reading the whole request: it may still have answered
            // (a refusal), which the relay reads; else it is a node that gave no response
        }
        return backend;
    }

    /** Reads more client bytes behind the unread ones; -1 at the end of the stream. */
    private int readMore() throws IOException {
        in.compact();
        try {
            return client.read(in);
        } finally {
            in.flip();
        }
    }
}
