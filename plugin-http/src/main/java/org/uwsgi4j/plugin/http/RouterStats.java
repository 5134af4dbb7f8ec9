package org.uwsgi4j.plugin.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --http-stats ADDR}: the router's stats server, as uWSGI's corerouter serves it: each
 * connection gets one JSON document and is closed. Its fields are uWSGI's names: version, pid,
 * uid, gid, cwd, active_sessions (client connections open now), http (the bound addresses),
 * static_nodes ({@code --http-to} or the instance's own socket: name, hits, grace) and
 * subscriptions (key, hits, nodes with name, modifier1, modifier2, last_check, requests,
 * failcnt, death_mark).
 */
final class RouterStats implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouterStats.class);

    /** Client connections open now. */
    final AtomicInteger activeSessions = new AtomicInteger();
    private final List<String> fronts = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final String version;
    private ServerSocketChannel channel;

    RouterStats(String version) {
        this.version = version;
    }

    /** A bound address of the router, listed under {@code http}. */
    void front(String name) {
        fronts.add(name);
    }

    /** Serves the document on {@code channel} (bound by the kernel's listener factory) until closed. */
    void serve(ServerSocketChannel channel, String name, Balancer balancer) {
        this.channel = channel;
        LOG.info("*** http stats server enabled on {} ***", name);
        Thread.ofPlatform().daemon().name("uwsgi4j-http-stats").start(() -> {
            while (channel.isOpen()) {
                try (SocketChannel client = channel.accept()) {
                    ByteBuffer doc = ByteBuffer.wrap(json(balancer).getBytes(StandardCharsets.UTF_8));
                    while (doc.hasRemaining()) {
                        client.write(doc);
                    }
                } catch (IOException e) {
                    if (channel.isOpen()) {
                        LOG.warn("[uwsgi-http] stats: {}", e.getMessage());
                    }
                }
            }
        });
    }

    String json(Balancer balancer) {
        StringBuilder out = new StringBuilder("{\"version\":").append(quote(version))
                .append(",\"pid\":").append(ProcessHandle.current().pid())
                .append(",\"uid\":").append(owner("unix:uid")).append(",\"gid\":").append(owner("unix:gid"))
                .append(",\"cwd\":").append(quote(Path.of("").toAbsolutePath().toString()))
                .append(",\"active_sessions\":").append(activeSessions.get())
                .append(",\"http\":[");
        for (int i = 0; i < fronts.size(); i++) {
            out.append(i == 0 ? "" : ",").append(quote(fronts.get(i)));
        }
        out.append("],\"static_nodes\":[");
        if (balancer instanceof Backends backends) {
            boolean first = true;
            for (Backends.Node n : backends.nodes()) {
                out.append(first ? "" : ",").append("{\"name\":").append(quote(n.name)).append(",\"hits\":").append(n.requests.sum())
                        .append(",\"grace\":").append(backends.inGrace(n) ? 1 : 0).append('}');
                first = false;
            }
        }
        out.append("],\"subscriptions\":").append(balancer instanceof Subscriptions s ? s.statsJson() : "[]");
        return out.append(",\"cheap\":0}").toString();
    }

    /** The process's uid or gid: the owner of /proc/self. */
    private static Object owner(String attribute) {
        try {
            return java.nio.file.Files.getAttribute(Path.of("/proc/self"), attribute);
        } catch (IOException | UnsupportedOperationException e) {
            return -1;
        }
    }

    /** {@code s} as a JSON string. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
