package org.uwsgi4j.kernel.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.uwsgi4j.kernel.api.HttpHead;
import org.uwsgi4j.kernel.api.UwsgiVars;

/**
 * The api's {@link HttpHead}: the kernel's own {@link HttpRequestParser}, {@link CgiVars} and
 * {@link ChunkedDecoder}, the very code {@code --http-socket} runs, behind the api's names.
 */
final class ParsedHead implements HttpHead {

    private final HttpRequestParser parser;
    private final CgiVars cgi;
    private final ChunkedDecoder chunks;

    ParsedHead(ProtocolLimits limits) {
        parser = new HttpRequestParser(limits);
        cgi = new CgiVars(limits);
        chunks = new ChunkedDecoder(limits);
    }

    @Override
    public boolean parse(ByteBuffer in) throws BadRequest {
        try {
            return parser.parse(in);
        } catch (BadMessageException e) {
            throw new BadRequest(e.status(), e.reason());
        }
    }

    @Override
    public void reset() {
        parser.reset();
        chunks.reset();
    }

    @Override
    public boolean isStarted() {
        return parser.isStarted();
    }

    @Override
    public String method() {
        return parser.method();
    }

    @Override
    public String target() {
        return parser.target();
    }

    @Override
    public String version() {
        return parser.version().text();
    }

    @Override
    public boolean keepAlive() {
        return parser.keepAlive();
    }

    @Override
    public boolean expectContinue() {
        return parser.expectContinue();
    }

    @Override
    public long contentLength() {
        return switch (parser.framing()) {
            case NONE -> 0;
            case CONTENT_LENGTH -> parser.contentLength();
            case CHUNKED -> -1;
        };
    }

    @Override
    public String header(String name) {
        return parser.header(name);
    }

    @Override
    public void vars(String serverName, String serverPort, String remoteAddr, int remotePort, boolean https, UwsgiVars vars)
            throws BadRequest {
        if (!(vars instanceof PacketVars packet)) {
            throw new IllegalArgumentException("vars not made by the kernel's UwsgiPackets service");
        }
        try {
            cgi.build(parser, new ConnectionInfo(serverName, serverPort, remoteAddr, remotePort, https), packet.vars);
        } catch (BadMessageException e) {
            throw new BadRequest(e.status(), e.reason());
        }
    }

    @Override
    public boolean decodeChunk(ByteBuffer in, OutputStream body) throws BadRequest, IOException {
        try {
            return chunks.decode(in, (src, offset, length) -> {
                try {
                    if (src.hasArray()) {
                        body.write(src.array(), src.arrayOffset() + offset, length);
                    } else {
                        byte[] copy = new byte[length];
                        src.get(offset, copy);
                        body.write(copy, 0, length);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (BadMessageException e) {
            throw new BadRequest(e.status(), e.reason());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
