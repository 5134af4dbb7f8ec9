package org.uwsgi4j.plugin.logencoder;

import java.io.IOException;
import java.util.List;
import org.uwsgi4j.kernel.api.LogLine;
import org.uwsgi4j.kernel.api.LogSink;
import org.uwsgi4j.kernel.api.LogSubscriber.Stream;

/**
 * A configured logger as the kernel's {@link LogSink}: which lines it takes (its routes), how it
 * encodes them (the chain of its stream, less the encoders bound to other loggers), where it
 * writes them (its {@link Output}).
 */
final class LoggerSink implements LogSink {

    private final LoggerSpec spec;
    private final Output output;
    private final Routes serverRoutes;
    private final Routes requestRoutes;
    private final Chain serverChain;
    private final Chain requestChain;

    /**
     * @param requestRoutes the routes of request lines, or null when this logger takes none
     * @param requestChain  the chain of request lines, or null when this logger takes none
     */
    LoggerSink(LoggerSpec spec, Output output, Routes serverRoutes, Chain serverChain, Routes requestRoutes, Chain requestChain) {
        this.spec = spec;
        this.output = output;
        this.serverRoutes = serverRoutes;
        this.serverChain = serverChain;
        this.requestRoutes = requestRoutes;
        this.requestChain = requestChain;
    }

    @Override
    public byte[] encode(LogLine line) {
        boolean request = line.stream() == Stream.REQUEST;
        Routes routes = request ? requestRoutes : serverRoutes;
        Chain chain = request ? requestChain : serverChain;
        if (routes == null || chain == null) {
            return null;
        }
        if (!routes.isEmpty()) {
            var to = routes.targets(line);
            if (spec.id() != null ? !to.contains(spec.id()) : !to.isEmpty()) {
                return null;
            }
        } else if (spec.id() != null) {
            return null; // a named logger takes routed lines only
        }
        return chain.encode(line.message(), line.epochMicros());
    }

    @Override
    public void write(byte[] encoded) throws IOException {
        output.write(encoded);
    }

    @Override
    public void flush() throws IOException {
        output.flush();
    }

    @Override
    public void close() {
        output.close();
    }

    /** Whether it is a {@code --req-logger}. */
    boolean requestOnly() {
        return spec.option().equals("req-logger");
    }

    /** The name the kernel shows. */
    String name() {
        return spec.displayName();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("--").append(spec.option()).append(' ').append(spec.value()).append(" → ").append(output);
        if (serverChain != null && !serverChain.isEmpty()) {
            s.append(", encoders ").append(serverChain);
        }
        if (requestChain != null && !requestChain.isEmpty() && requestChain != serverChain) {
            s.append(", request encoders ").append(requestChain);
        }
        if (spec.id() != null) {
            List<String> regexes = new java.util.ArrayList<>();
            for (Routes r : new Routes[] {serverRoutes, requestRoutes}) {
                if (r != null) {
                    r.all().stream().filter(x -> x.logger().equals(spec.id())).forEach(x -> regexes.add(x.pattern().pattern()));
                }
            }
            s.append(", routes ").append(regexes.stream().distinct().toList());
        }
        return s.toString();
    }
}
