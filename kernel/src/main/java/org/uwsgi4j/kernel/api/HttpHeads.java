package org.uwsgi4j.kernel.api;

/**
 * The kernel's HTTP/1.x request-head parser, offered to routers so that an HTTP request becomes
 * exactly the variables the kernel's {@code --http-socket} would give it (docs/protocols.md).
 */
public interface HttpHeads {

    /** A parser for one connection whose heads may be up to {@code bufferSize} bytes ({@code --buffer-size}). */
    HttpHead newHead(int bufferSize);
}
