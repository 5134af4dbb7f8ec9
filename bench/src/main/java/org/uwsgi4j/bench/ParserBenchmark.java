package org.uwsgi4j.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.uwsgi4j.kernel.protocol.BadMessageException;
import org.uwsgi4j.kernel.protocol.CgiVars;
import org.uwsgi4j.kernel.protocol.ConnectionInfo;
import org.uwsgi4j.kernel.protocol.HttpRequestParser;
import org.uwsgi4j.kernel.protocol.ProtocolLimits;
import org.uwsgi4j.kernel.protocol.RequestVars;
import org.uwsgi4j.kernel.protocol.UwsgiPacketParser;

/**
 * The two request parsers on typical input, with instances reused per connection as the
 * kernel uses them: a browser-like HTTP GET head (parse + CGI vars), and the uwsgi packet nginx
 * 1.22 sends for a browser GET through {@code uwsgi_pass} with Debian's uwsgi_params.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 5)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgs = {"-XX:+UseSerialGC", "-Xmx64m"})
public class ParserBenchmark {

    /** A Chrome 120 GET of a script, as sent over HTTP/1.1 (561 bytes). */
    static final String BROWSER_GET = "GET /static/app.js?v=3 HTTP/1.1\r\n"
            + "Host: www.example.com\r\n"
            + "Connection: keep-alive\r\n"
            + "sec-ch-ua: \"Chromium\";v=\"120\", \"Not?A_Brand\";v=\"24\"\r\n"
            + "sec-ch-ua-mobile: ?0\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36\r\n"
            + "sec-ch-ua-platform: \"Linux\"\r\n"
            + "Accept: */*\r\n"
            + "Sec-Fetch-Site: same-origin\r\n"
            + "Sec-Fetch-Mode: no-cors\r\n"
            + "Sec-Fetch-Dest: script\r\n"
            + "Referer: https://www.example.com/\r\n"
            + "Accept-Encoding: gzip, deflate, br\r\n"
            + "Accept-Language: en-US,en;q=0.9,it;q=0.8\r\n"
            + "Cookie: sessionid=abc123; csrftoken=xyz; _ga=GA1.2.3.4\r\n"
            + "\r\n";

    /** The vars nginx 1.22 sent (uwsgi_params) for a browser GET, in its order. */
    static final String[] NGINX_VARS = {
        "QUERY_STRING", "q=1",
        "REQUEST_METHOD", "GET",
        "CONTENT_TYPE", "",
        "CONTENT_LENGTH", "",
        "REQUEST_URI", "/index.html?q=1",
        "PATH_INFO", "/index.html",
        "DOCUMENT_ROOT", "/tmp/ngx/html",
        "SERVER_PROTOCOL", "HTTP/1.1",
        "REQUEST_SCHEME", "http",
        "REMOTE_ADDR", "127.0.0.1",
        "REMOTE_PORT", "48444",
        "SERVER_PORT", "39410",
        "SERVER_NAME", "",
        "HTTP_HOST", "www.example.com",
        "HTTP_USER_AGENT", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
        "HTTP_ACCEPT", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
        "HTTP_ACCEPT_LANGUAGE", "en-US,en;q=0.9",
        "HTTP_ACCEPT_ENCODING", "gzip, deflate, br",
        "HTTP_CONNECTION", "keep-alive",
        "HTTP_COOKIE", "sessionid=abc123; csrftoken=xyz",
        "HTTP_UPGRADE_INSECURE_REQUESTS", "1",
    };

    private final ConnectionInfo conn = new ConnectionInfo("vm", "8080", "127.0.0.1", 51234, false);
    private HttpRequestParser http;
    private CgiVars cgi;
    private UwsgiPacketParser uwsgi;
    private RequestVars vars;
    private ByteBuffer httpBytes;
    private ByteBuffer uwsgiBytes;

    @Setup
    public void setup() {
        http = new HttpRequestParser(ProtocolLimits.DEFAULTS);
        cgi = new CgiVars(ProtocolLimits.DEFAULTS);
        uwsgi = new UwsgiPacketParser(ProtocolLimits.DEFAULTS);
        vars = new RequestVars();
        httpBytes = ByteBuffer.wrap(BROWSER_GET.getBytes(StandardCharsets.ISO_8859_1));
        RequestVars packet = new RequestVars();
        for (int i = 0; i < NGINX_VARS.length; i += 2) {
            packet.add(NGINX_VARS[i], NGINX_VARS[i + 1]);
        }
        uwsgiBytes = ByteBuffer.allocate(4 + packet.uwsgiBlockSize());
        packet.writeUwsgiPacket(0, 0, uwsgiBytes);
        uwsgiBytes.flip();
    }

    /** HTTP head: request line and headers, framing and keep-alive, no CGI vars. */
    @Benchmark
    public int httpHead() throws BadMessageException {
        http.reset();
        http.parse(httpBytes.clear());
        return http.headLength();
    }

    /** HTTP head, then the uWSGI variable set built into the blob the worker gets. */
    @Benchmark
    public int httpHeadToVars() throws BadMessageException {
        http.reset();
        http.parse(httpBytes.clear());
        vars.clear();
        cgi.build(http, conn, vars);
        return vars.blobLength();
    }

    /** A whole nginx uwsgi packet (723-byte vars block) into the blob. */
    @Benchmark
    public int uwsgiPacket() throws BadMessageException {
        uwsgi.reset(vars);
        uwsgi.parse(uwsgiBytes.clear());
        return vars.blobLength();
    }
}
