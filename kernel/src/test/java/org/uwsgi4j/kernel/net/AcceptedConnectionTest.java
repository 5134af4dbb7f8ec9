package org.uwsgi4j.kernel.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uwsgi4j.kernel.api.AppRuntime;
import org.uwsgi4j.kernel.dispatch.TestModifiers;
import org.uwsgi4j.kernel.log.LogPipeline;
import org.uwsgi4j.kernel.log.RequestLog;
import org.uwsgi4j.kernel.log.TestOptions;

/**
 * What a connection whose request is already in the socket when it is accepted gets (see
 * {@link HttpConnection#start}): the clients connect and write before the server starts
 * accepting, so the accepting thread finds the bytes there, every time. A whole bodiless head
 * is dispatched from the accepting thread; half a head, or a head with a body, goes on on the
 * connection's virtual thread from where it stands. Each must be answered exactly as on any
 * other connection, keep-alive and pipelining included.
 */
class AcceptedConnectionTest {

    /** Answers "METHOD PATH body" (the body as sent), with its length. */
    private static final AppRuntime ECHO = (request, response) -> {
        Map<String, String> vars = request.vars();
        byte[] body = request.body().readAllBytes();
        byte[] text = (vars.get("REQUEST_METHOD") + " " + vars.get("PATH_INFO") + " " + new String(body, StandardCharsets.ISO_8859_1))
                .getBytes(StandardCharsets.ISO_8859_1);
        response.start("200 OK", List.of(Map.entry("Content-Type", "text/plain"), Map.entry("Content-Length", String.valueOf(text.length))));
        response.body().write(text);
    };

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private LogPipeline pipeline;
    private Server server;
    private int port;
    private int uwsgiPort;
    @TempDir
    Path dir;
    private Path unixPath;
    private final List<Socket> clients = new ArrayList<>();

    @BeforeEach
    void bind() throws Exception {
        unixPath = dir.resolve("http.sock");
        var options = TestOptions.of("http-socket", "127.0.0.1:0", "socket", "127.0.0.1:0", "http-socket", unixPath.toString(),
                "threads", "2");
        pipeline = LogPipeline.open(TestOptions.of(), log);
        server = Server.bind(Server.listenSpecs(options), options, TestModifiers.with(0, ECHO),
                RequestLog.fromOptions(options, pipeline));
        for (Listener l : server.listeners()) {
            if (l.spec().protocol() == Protocol.HTTP && l.port() > 0) {
                port = l.port();
            } else if (l.spec().protocol() == Protocol.HTTP) {
                continue; // the Unix one
            } else {
                uwsgiPort = l.port();
            }
        }
    }

    @AfterEach
    void close() throws IOException {
        for (Socket s : clients) {
            s.close();
        }
        server.close();
        pipeline.close();
    }

    /** A client connected (into the backlog: nothing accepts yet) that has written {@code bytes}. */
    private Socket connectAndSend(String bytes) throws IOException {
        return connectAndSend(port, bytes);
    }

    private Socket connectAndSend(int port, String bytes) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(10_000);
        clients.add(s);
        send(s, bytes);
        return s;
    }

    private static void send(Socket s, String bytes) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** Reads one response with a Content-Length body: its head and body as text. */
    private static String readResponse(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream inside a response head: " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    @Test
    void wholeHeadsAreAnsweredAndTheConnectionsGoOnOrClose() throws Exception {
        Socket keep = connectAndSend("GET /first HTTP/1.1\r\nHost: x\r\n\r\n");
        Socket close = connectAndSend("GET /once HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        Socket pipelined = connectAndSend("GET /p1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p2 HTTP/1.1\r\nHost: x\r\n\r\n");
        server.accept();

        assertTrue(readResponse(keep).endsWith("\r\n\r\nGET /first "));
        send(keep, "GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(readResponse(keep).endsWith("\r\n\r\nGET /second "));

        String once = readResponse(close);
        assertTrue(once.startsWith("HTTP/1.1 200 OK\r\n") && once.endsWith("\r\n\r\nGET /once "), once);
        assertEquals(-1, close.getInputStream().read(), "Connection: close ends the connection after the response");

        assertTrue(readResponse(pipelined).endsWith("GET /p1 "));
        assertTrue(readResponse(pipelined).endsWith("GET /p2 "));
    }

    @Test
    void halfAHeadIsReadOnFromWhereTheAcceptorLeftIt() throws Exception {
        Socket half = connectAndSend("GET /split HTTP/1.1\r\nHo");
        server.accept();
        send(half, "st: x\r\n\r\n");
        assertTrue(readResponse(half).endsWith("GET /split "));
    }

    @Test
    void aHeadWithItsBodyIsServedWithTheBody() throws Exception {
        Socket post = connectAndSend("POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
        Socket chunked = connectAndSend("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        server.accept();
        assertTrue(readResponse(post).endsWith("POST /form hello"));
        assertTrue(readResponse(chunked).endsWith("POST /c abc"));
    }

    @Test
    void garbageIsRefusedWith400AndTheServerGoesOn() throws Exception {
        Socket bad = connectAndSend("NOT HTTP AT ALL\r\n\r\n");
        Socket good = connectAndSend("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
        server.accept();
        String refusal = new String(bad.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(refusal.startsWith("HTTP/1.1 400 "), refusal);
        assertTrue(readResponse(good).endsWith("GET /after "));
    }

    @Test
    void uwsgiPacketsAreAnsweredAndTheConnectionClosed() throws Exception {
        String get = uwsgiPacket("REQUEST_METHOD", "GET", "PATH_INFO", "/nginx", "SERVER_PROTOCOL", "HTTP/1.1");
        String post = uwsgiPacket("REQUEST_METHOD", "POST", "PATH_INFO", "/up", "CONTENT_LENGTH", "3", "SERVER_PROTOCOL", "HTTP/1.1");
        Socket whole = connectAndSend(uwsgiPort, get);
        Socket split = connectAndSend(uwsgiPort, get.substring(0, 10));
        Socket withBody = connectAndSend(uwsgiPort, post + "abc");
        server.accept();
        send(split, get.substring(10));
        for (var c : List.of(Map.entry(whole, "GET /nginx "), Map.entry(split, "GET /nginx "), Map.entry(withBody, "POST /up abc"))) {
            String r = new String(c.getKey().getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(r.startsWith("HTTP/1.1 200 OK\r\n") && r.endsWith("\r\n\r\n" + c.getValue()), r);
        }
    }

    /** A uwsgi packet (modifier1 0) with the variables {@code namesAndValues}, as nginx's uwsgi_pass sends it. */
    private static String uwsgiPacket(String... namesAndValues) {
        StringBuilder vars = new StringBuilder();
        for (String v : namesAndValues) {
            vars.append((char) (v.length() & 0xff)).append((char) (v.length() >> 8)).append(v);
        }
        int n = vars.length();
        return "" + (char) 0 + (char) (n & 0xff) + (char) (n >> 8) + (char) 0 + vars;
    }

    @Test
    void aUnixSocketsRequestIsAnsweredToo() throws Exception {
        try (SocketChannel unix = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            unix.connect(UnixDomainSocketAddress.of(unixPath));
            unix.write(ByteBuffer.wrap("GET /unix HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
            server.accept();
            var answer = new ByteArrayOutputStream();
            ByteBuffer b = ByteBuffer.allocate(4096);
            while (unix.read(b) >= 0) {
                answer.write(b.array(), 0, b.position());
                b.clear();
            }
            String r = answer.toString(StandardCharsets.ISO_8859_1);
            assertTrue(r.startsWith("HTTP/1.0 200 OK\r\n") && r.endsWith("GET /unix "), r);
        }
    }
}
