package org.uwsgi4j.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every case {@link HttpSocketIT} runs against {@code --http-socket}, run through the HTTP
 * router instead ({@code --http}, embedded: the router forwards over the uwsgi protocol to the
 * instance's internal socket, the echo runtime answers): keep-alive, pipelining, chunked and
 * large bodies, HEAD, 100-continue, Connection: close, garbage and oversized heads.
 */
class HttpRouterSocketIT extends HttpSocketIT {

    /**
     * The same tests, another front. JUnit runs {@link HttpSocketIT#start()} first all the same
     * (a static method of the same name does not keep a superclass's {@code @BeforeAll} from
     * running): its {@code --http-socket} server is stopped here, or it would outlive the test.
     */
    @BeforeAll
    static void start() throws Exception {
        if (server != null) {
            server.close();
        }
        server = UwsgiProcess.start(cwd, "--http", "127.0.0.1:0", "--http-modifier1", "101", "--plugins", "echo,http");
        port = Integer.parseInt(server.awaitLine("uWSGI http bound on 127\\.0\\.0\\.1:(\\d+)", UwsgiProcess.START_TIMEOUT).group(1));
        server.awaitLine("\\*\\*\\* uwsgi4j is ready", UwsgiProcess.START_TIMEOUT);
    }

    @Test
    void theInternalUwsgiSocketIsBoundAsUwsgiDoes() {
        assertTrue(server.output().matches("(?s).*uwsgi socket 0 bound to TCP address 127\\.0\\.0\\.1:\\d+ \\(port auto-assigned\\).*"),
                server.output());
    }

    @Test
    void largeHeadersWithinTheBufferSizePassThrough() throws Exception {
        try (var http = new RawHttp(port)) {
            StringBuilder head = new StringBuilder("GET /large HTTP/1.1\r\nHost: x\r\n");
            for (int i = 0; i < 30; i++) {
                head.append("X-Header-").append(i).append(": ").append("v".repeat(80)).append("\r\n");
            }
            var r = http.send(head.append("\r\n").toString()).read();
            assertEquals(200, r.status());
            assertTrue(r.text().contains("HTTP_X_HEADER_29: " + "v".repeat(80) + "\n"), r.text());
        }
    }
}
