package org.uwsgi4j.kernel.api;

/**
 * The kernel's HTTP/1.x request-head parser, offered to routers so that an HTTP request becomes
 * exactly the variables the kernel's {@code --http-socket} would give it (docs/protocols.md).
 */
public interface HttpHeads {

    /** A parser for one connection whose heads may be up to {@code bufferSize} bytes ({@code --buffer-size}). */
    HttpHead newHead(int bufferSize);

    /**
     * The reason phrase of a status the server answers on its own (RFC 9110's: 400, 413, 414,
     * 431, 500–505), for the kernel's refusals and a router's errors alike; "Error" for others.
     */
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
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }
}
