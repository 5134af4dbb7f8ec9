package org.uwsgi4j.dist;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Requests over the uwsgi protocol, as nginx's {@code uwsgi_pass} sends them (PATH_INFO decoded,
 * SCRIPT_NAME only when a location sets it), for end-to-end tests: the packet, and a GET on a
 * connection of its own whose whole raw answer is returned.
 */
final class UwsgiRequest {

    private UwsgiRequest() {
    }

    /** Sends GET {@code pathInfo} (modifier1 0, no SCRIPT_NAME) to the uwsgi socket on {@code port}; the whole raw response. */
    static String get(int port, String pathInfo) throws IOException {
        return get(port, 0, null, pathInfo);
    }

    /**
     * Sends GET {@code scriptName}{@code pathInfo} with {@code modifier1} and, unless null, that
     * SCRIPT_NAME; the whole raw response (latin-1), read until the server closes.
     */
    static String get(int port, int modifier1, String scriptName, String pathInfo) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(packet(modifier1, scriptName, pathInfo, ""));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** The packet of GET {@code pathInfo}?{@code query} (SCRIPT_NAME unless null), header included. */
    static byte[] packet(int modifier1, String scriptName, String pathInfo, String query) {
        String path = (scriptName == null ? "" : scriptName) + pathInfo;
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("REQUEST_METHOD", "GET");
        if (scriptName != null) {
            vars.put("SCRIPT_NAME", scriptName);
        }
        vars.put("PATH_INFO", pathInfo);
        vars.put("REQUEST_URI", query.isEmpty() ? path : path + "?" + query);
        vars.put("QUERY_STRING", query);
        vars.put("SERVER_PROTOCOL", "HTTP/1.1");
        vars.put("SERVER_NAME", "x");
        vars.put("SERVER_PORT", "80");
        vars.put("REMOTE_ADDR", "127.0.0.1");
        var block = new ByteArrayOutputStream();
        for (var e : vars.entrySet()) {
            for (String v : new String[] {e.getKey(), e.getValue()}) {
                byte[] b = v.getBytes(StandardCharsets.ISO_8859_1);
                block.write(b.length & 0xff);
                block.write(b.length >> 8);
                block.writeBytes(b);
            }
        }
        var packet = new ByteArrayOutputStream();
        packet.writeBytes(new byte[] {(byte) modifier1, (byte) (block.size() & 0xff), (byte) (block.size() >> 8), 0});
        packet.writeBytes(block.toByteArray());
        return packet.toByteArray();
    }

    /** The body of a raw response (what follows the head's blank line). */
    static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }
}
