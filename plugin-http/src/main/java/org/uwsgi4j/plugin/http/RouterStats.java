package org.uwsgi4j.plugin.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.StatsSection;

/**
 * The router's stats, with uWSGI's corerouter field names: active_sessions (client connections
 * open now), http (the bound addresses), static_nodes ({@code --http-to} or the instance's own
 * socket: name, hits, grace), subscriptions (key, hits, nodes with name, modifier1, modifier2,
 * last_check, requests, failcnt, death_mark, weight) and cheap. Served two ways: by
 * {@code --http-stats ADDR}, as uWSGI's corerouter does (each connection gets one JSON document
 * headed by version, pid, uid, gid and cwd, and is closed), and as the {@code http} section of
 * the kernel's {@code --stats} document ({@link StatsSection}).
 */
final class RouterStats implements AutoCloseable, StatsSection {

    private static final Logger LOG = LoggerFactory.getLogger(RouterStats.class);

    /** Client connections open now. */
    final AtomicInteger activeSessions = new AtomicInteger();
    private final List<String> fronts = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final String version;
    private volatile Balancer balancer;
    private ServerSocketChannel channel;

    RouterStats(String version) {
        this.version = version;
    }

    /** A bound address of the router, listed under {@code http}. */
    void front(String name) {
        fronts.add(name);
    }

    /** The nodes the stats report. */
    void balancer(Balancer balancer) {
        this.balancer = balancer;
    }

    /** Serves the document on {@code channel} (bound by the kernel's listener factory) until closed. */
    void serve(ServerSocketChannel channel, String name) {
        this.channel = channel;
        LOG.info("*** http stats server enabled on {} ***", name);
        Thread.ofPlatform().daemon().name("uwsgi4j-http-stats").start(() -> {
            while (channel.isOpen()) {
                try (SocketChannel client = channel.accept()) {
                    ByteBuffer doc = ByteBuffer.wrap(json().getBytes(StandardCharsets.UTF_8));
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

    @Override
    public String name() {
        return "http";
    }

    /** The router's fields now (the kernel's {@code --stats} section). */
    @Override
    public Map<String, Object> stats() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("active_sessions", activeSessions.get());
        out.put("http", List.copyOf(fronts));
        List<Map<String, Object>> nodes = new ArrayList<>();
        if (balancer instanceof Backends backends) {
            for (Backends.Node n : backends.nodes()) {
                Map<String, Object> node = new LinkedHashMap<>();
                node.put("name", n.name);
                node.put("hits", n.requests.sum());
                node.put("grace", backends.graceUntil(n));
                nodes.add(node);
            }
        }
        out.put("static_nodes", nodes);
        out.put("subscriptions", balancer instanceof Subscriptions s ? s.stats() : List.of());
        out.put("cheap", 0);
        return out;
    }

    /** The {@code --http-stats} document: uWSGI's process fields, then {@link #stats()}. */
    String json() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", version);
        doc.put("pid", ProcessHandle.current().pid());
        doc.put("uid", owner("unix:uid"));
        doc.put("gid", owner("unix:gid"));
        doc.put("cwd", Path.of("").toAbsolutePath().toString());
        doc.putAll(stats());
        StringBuilder out = new StringBuilder(512);
        write(out, doc);
        return out.toString();
    }

    /** {@code v} as compact JSON: maps, lists, numbers, booleans (0/1, as uWSGI), strings. */
    private static void write(StringBuilder out, Object v) {
        if (v instanceof Map<?, ?> map) {
            out.append('{');
            boolean first = true;
            for (var e : map.entrySet()) {
                out.append(first ? "" : ",").append(quote(String.valueOf(e.getKey()))).append(':');
                write(out, e.getValue());
                first = false;
            }
            out.append('}');
        } else if (v instanceof List<?> list) {
            out.append('[');
            for (int i = 0; i < list.size(); i++) {
                out.append(i == 0 ? "" : ",");
                write(out, list.get(i));
            }
            out.append(']');
        } else if (v instanceof Number n) {
            out.append(n.longValue());
        } else if (v instanceof Boolean b) {
            out.append(b ? 1 : 0);
        } else {
            out.append(quote(String.valueOf(v)));
        }
    }

    /**
     * The process's uid or gid: the owner of /proc/self. The kernel reads it with its
     * {@code os.ProcessOwner}, which a plugin cannot import (only the kernel's api); these two
     * numbers of one stats document do not make an api type worth its version.
     */
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
