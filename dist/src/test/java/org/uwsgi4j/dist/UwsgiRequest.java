package org.uwsgi4j.dist;

import java.io.ByteArrayOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A GET over the uwsgi protocol, as nginx's uwsgi_pass sends it (PATH_INFO decoded), for end-to-end tests. */
final class UwsgiRequest {

    private UwsgiRequest() {
    }

    /** Sends GET {@code pathInfo} to the uwsgi socket on {@code port}; the whole raw response. */
    static String get(int port, String pathInfo) throws Exception {
        Map<String, String> vars = new LinkedHashMap<>();
        vars.put("REQUEST_METHOD", "GET");
        vars.put("PATH_INFO", pathInfo);
        vars.put("REQUEST_URI", pathInfo);
        vars.put("QUERY_STRING", "");
        vars.put("SERVER_PROTOCOL", "HTTP/1.1");
        vars.put("SERVER_NAME", "x");
        vars.put("SERVER_PORT", "80");
        vars.put("REMOTE_ADDR", "127.0.0.1");
        var body = new ByteArrayOutputStream();
        for (var e : vars.entrySet()) {
            for (String v : new String[] {e.getKey(), e.getValue()}) {
                byte[] b = v.getBytes(StandardCharsets.ISO_8859_1);
                body.write(b.length & 0xff);
                body.write(b.length >> 8);
                body.write(b);
            }
        }
        byte[] packet = body.toByteArray();
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(new byte[] {0, (byte) (packet.length & 0xff), (byte) (packet.length >> 8), 0});
            s.getOutputStream().write(packet);
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
