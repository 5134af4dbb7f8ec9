package org.uwsgi4j.plugin.http;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One subscription of this instance (the backend side), as {@code --subscribe-to} or
 * {@code --subscribe2} writes it: where to announce, for which key, which address, with which
 * modifiers and weight, signed or not, and the file whose existence skips it.
 *
 * @param server    the subscription server (UDP)
 * @param key       the key (a Host)
 * @param address   the address to announce; null: this instance's first uwsgi socket
 * @param modifier1 the modifier1 announced (0: uWSGI's default)
 * @param modifier2 the modifier2 announced
 * @param weight    the weight announced (0: uWSGI's default; a server reads it as 1)
 * @param signer    signs each packet ({@code sign=DIGEST:PEMFILE}), or null
 * @param check     while this file exists the subscription is not sent ({@code check=FILE}), or null
 */
record Subscription(InetSocketAddress server, String key, String address, int modifier1, int modifier2, long weight,
                    SubscriptionSigns.Signer signer, Path check) {

    /**
     * uWSGI's {@code --subscribe-to [ADDRESS=]HOST:PORT:KEY[,MODIFIER1[,DIGEST:PEMFILE]]}: the key is
     * what follows the second colon up to a comma.
     *
     * @throws IllegalArgumentException in one line
     */
    static Subscription parseSubscribeTo(String value) {
        String spec = value.strip();
        String address = null;
        int equal = spec.indexOf('=');
        if (equal >= 0) {
            address = spec.substring(0, equal);
            if (address.isEmpty() || address.startsWith("=")) {
                throw new IllegalArgumentException("subscribe-to " + value + ": a socket by number (=N=) is not supported; name the address (ADDRESS=HOST:PORT:KEY)");
            }
            spec = spec.substring(equal + 1);
        }
        int first = spec.indexOf(':');
        int second = first < 0 ? -1 : spec.indexOf(':', first + 1);
        if (spec.startsWith("/") || second < 0 || second == spec.length() - 1) {
            throw new IllegalArgumentException("subscribe-to " + value + ": expected HOST:PORT:KEY (a UDP server; the JDK has no Unix datagram sockets)");
        }
        InetSocketAddress server = server(spec.substring(0, second), "subscribe-to " + value);
        String rest = spec.substring(second + 1);
        if (rest.startsWith("@")) {
            throw new IllegalArgumentException("subscribe-to " + value + ": a file of keys (:@FILE) is not supported; give one --subscribe-to per key");
        }
        String[] parts = rest.split(",", 3);
        int modifier1 = parts.length > 1 ? modifier(parts[1], "subscribe-to " + value) : 0;
        SubscriptionSigns.Signer signer = parts.length > 2 ? SubscriptionSigns.Signer.parse(parts[2], "subscribe-to") : null;
        return new Subscription(server, parts[0], address, modifier1, 0, 0, signer, null);
    }

    /**
     * uWSGI's {@code --subscribe2} keyval form ({@code server=HOST:PORT,key=KEY,…}, a backslash
     * escapes a comma): server and key are needed; addr (or address), weight, modifier1, modifier2,
     * sign and check map; the others are refused in one line.
     *
     * @throws IllegalArgumentException in one line
     */
    static Subscription parseSubscribe2(String value) {
        Map<String, String> kv = keyvals(value);
        String where = "subscribe2 " + value;
        for (String k : kv.keySet()) {
            switch (k) {
                case "server", "key", "addr", "address", "weight", "modifier1", "modifier2", "sign", "check" -> {
                }
                case "socket" -> throw new IllegalArgumentException(where + ": socket=N is not supported; name the address (addr=HOST:PORT)");
                case "sni_key", "sni_crt", "sni_ca" -> throw new IllegalArgumentException(where + ": " + k
                        + " is not supported (the http router has no per-key TLS certificates)");
                default -> throw new IllegalArgumentException(where + ": unknown key " + k
                        + " (server, key, addr, weight, modifier1, modifier2, sign, check)");
            }
        }
        String server = kv.get("server");
        String key = kv.get("key");
        if (server == null || server.isEmpty() || key == null || key.isEmpty()) {
            throw new IllegalArgumentException(where + ": server= and key= are needed");
        }
        if (server.startsWith("/") || server.indexOf(':') < 0) {
            throw new IllegalArgumentException(where + ": server " + server + " is not a UDP HOST:PORT (the JDK has no Unix datagram sockets)");
        }
        String address = kv.containsKey("addr") ? kv.get("addr") : kv.get("address");
        long weight = 0;
        if (kv.containsKey("weight")) {
            try {
                weight = Long.parseLong(kv.get("weight").strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": weight " + kv.get("weight") + " is not a number");
            }
            if (weight < 0) {
                throw new IllegalArgumentException(where + ": weight " + weight + " must be >= 0");
            }
        }
        return new Subscription(server(server, where), key, address == null || address.isEmpty() ? null : address,
                kv.containsKey("modifier1") ? modifier(kv.get("modifier1"), where) : 0,
                kv.containsKey("modifier2") ? modifier(kv.get("modifier2"), where) : 0, weight,
                kv.containsKey("sign") ? SubscriptionSigns.Signer.parse(kv.get("sign"), "subscribe2") : null,
                kv.containsKey("check") ? Path.of(kv.get("check")) : null);
    }

    /** uWSGI's kvlist: items split on unescaped commas, each KEY=VALUE (the value may hold '='). */
    static Map<String, String> keyvals(String value) {
        Map<String, String> out = new LinkedHashMap<>();
        StringBuilder item = new StringBuilder();
        boolean escaped = false;
        for (int i = 0; i <= value.length(); i++) {
            char c = i < value.length() ? value.charAt(i) : ',';
            if (escaped) {
                item.append(c);
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == ',') {
                if (!item.isEmpty()) {
                    int eq = item.indexOf("=");
                    if (eq <= 0) {
                        throw new IllegalArgumentException("subscribe2 " + value + ": " + item + " is not KEY=VALUE");
                    }
                    out.put(item.substring(0, eq), item.substring(eq + 1));
                }
                item.setLength(0);
            } else {
                item.append(c);
            }
        }
        return out;
    }

    private static int modifier(String text, String where) {
        try {
            int m = Integer.parseInt(text.strip());
            if (m < 0 || m > 255) {
                throw new NumberFormatException();
            }
            return m;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": modifier " + text + " out of range (0-255)");
        }
    }

    private static InetSocketAddress server(String hostPort, String where) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": invalid port");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(where + ": invalid port");
        }
        var address = new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException(where + ": unknown host " + host);
        }
        return address;
    }
}
