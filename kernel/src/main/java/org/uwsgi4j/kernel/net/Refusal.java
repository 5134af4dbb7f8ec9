package org.uwsgi4j.kernel.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/** The short, closing HTTP answers the server gives on its own: 400, 413, 431, 503 … */
final class Refusal {

    private Refusal() {
    }

    static String reasonPhrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }

    /** Writes {@code status} with a one-line text body and {@code Connection: close}; errors are ignored. */
    static void send(SocketChannel socket, int status) {
        String text = status + " " + reasonPhrase(status) + "\n";
        String response = "HTTP/1.1 " + status + " " + reasonPhrase(status) + "\r\nContent-Type: text/plain\r\nContent-Length: "
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
