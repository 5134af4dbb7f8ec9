package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.uwsgi4j.kernel.api.HttpHeads;

/** The short, closing HTTP answers the server gives on its own: 400, 413, 431, 503 … */
final class Refusal {

    private Refusal() {
    }

    /** Writes {@code status} with a one-line text body and {@code Connection: close}; errors are ignored. */
    static void send(SocketChannel socket, int status) {
        String text = status + " " + HttpHeads.reasonPhrase(status) + "\n";
        String response = "HTTP/1.1 " + status + " " + HttpHeads.reasonPhrase(status) + "\r\nContent-Type: text/plain\r\nContent-Length: "
                + text.length() + "\r\nConnection: close\r\n\r\n" + text;
        try {
            ByteBuffer b = ByteBuffer.wrap(response.getBytes(StandardCharsets.ISO_8859_1));
            while (b.hasRemaining()) {
                socket.write(b);
            }
        } catch (IOException e) {
            // the client is gone; nothing more to tell it
        }
    }
}
