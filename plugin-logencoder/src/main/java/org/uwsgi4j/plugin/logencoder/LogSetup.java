package org.uwsgi4j.plugin.logencoder;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.LogEncoder;
import org.uwsgi4j.kernel.api.LogSink;
import org.uwsgi4j.kernel.api.LogSubscriber;
import org.uwsgi4j.kernel.api.Options;

/**
 * Reads the logging options once and gives the kernel what they ask for: one {@link LogSink}
 * service per {@code --logger}/{@code --req-logger} (with its routes and encoders) and a
 * {@link LogEncoder} service per stream whose default output has encoders. Going away (the
 * bundle stopped or uninstalled) takes them all back, and the kernel's default output returns.
 *
 * <p>Which lines go where, as uWSGI's log master does it:
 * <pre>
 *  server lines  ─▶ --log-route matches? ─▶ those named --loggers   else ─▶ the unnamed --loggers, or the default output
 *                   encoded by --log-encoder (an encoder with :NAME only for that logger)
 *  request lines ─▶ with --req-logger: the same over --req-logger, --log-req-route, --log-req-encoder;
 *                   without: the server's loggers and routes, encoded by --log-req-encoder if given, else --log-encoder
 * </pre>
 * A bad value refuses the start with one line naming the option (an {@link IllegalArgumentException}
 * from {@link #activate}, docs/plugins.md).
 */
@Component(service = {}, immediate = true)
public final class LogSetup {

    private static final Logger LOG = LoggerFactory.getLogger(LogSetup.class);
    private static final Set<String> LOGGER_OPTIONS = Set.of("logger", "log-syslog", "log-socket");

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<LoggerSink> built = new ArrayList<>();
    private boolean ownRequestLoggers;
    private Chain defaultServer;
    private Chain defaultRequest;

    /** The configuration; set before {@link #activate}. */
    @Reference
    Options options;

    /**
     * Builds and registers everything; a method, not a constructor, so that a refusal reaches
     * the kernel as the {@link IllegalArgumentException} it is (docs/plugins.md).
     */
    @Activate
    void activate(BundleContext context) {
        try {
            build(options, ZoneId.systemDefault(), Clock.systemUTC());
        } catch (RuntimeException e) {
            built.forEach(LoggerSink::close);
            throw e;
        }
        register(context);
    }

    /** Parses and opens everything; nothing is registered yet. */
    private void build(Options options, ZoneId zone, Clock clock) {
        List<LoggerSpec> server = new ArrayList<>();
        List<LoggerSpec> request = new ArrayList<>();
        for (Map.Entry<String, String> e : options.entries()) {
            switch (e.getKey()) {
                case "logger" -> server.add(LoggerSpec.parse("logger", e.getValue()));
                case "log-syslog" -> server.add(LoggerSpec.parse("log-syslog", isFlag(e.getValue()) ? "syslog" : "syslog:" + e.getValue()));
                case "log-socket" -> server.add(LoggerSpec.parse("log-socket", "socket:" + e.getValue()));
                case "req-logger" -> request.add(LoggerSpec.parse("req-logger", e.getValue()));
                default -> {
                }
            }
        }
        List<EncoderSpec> serverEnc = encoders(options, "log-encoder", zone);
        List<EncoderSpec> requestEnc = encoders(options, "log-req-encoder", zone);
        Routes serverRoutes = routes(options, "log-route");
        Routes requestRoutes = routes(options, "log-req-route");
        boolean ownRequestLoggers = !request.isEmpty();
        List<EncoderSpec> requestLinesEnc = ownRequestLoggers || !requestEnc.isEmpty() ? requestEnc : serverEnc;
        Routes requestLinesRoutes = ownRequestLoggers || !requestRoutes.isEmpty() ? requestRoutes : serverRoutes;
        check(server, ownRequestLoggers ? serverRoutes : merged(serverRoutes, requestRoutes), serverEnc, "log-route");
        check(ownRequestLoggers ? request : server, requestLinesRoutes, requestEnc, "log-req-route");

        Outputs outputs = new Outputs(options, zone, clock, hostname());
        for (LoggerSpec s : server) {
            Output out = outputs.open(s);
            built.add(ownRequestLoggers
                    ? new LoggerSink(s, out, serverRoutes, Chain.of(serverEnc, s.id()), null, null)
                    : new LoggerSink(s, out, serverRoutes, Chain.of(serverEnc, s.id()), requestLinesRoutes, Chain.of(requestLinesEnc, s.id())));
        }
        for (LoggerSpec s : request) {
            built.add(new LoggerSink(s, outputs.open(s), null, null, requestRoutes, Chain.of(requestEnc, s.id())));
        }
        this.ownRequestLoggers = ownRequestLoggers;
        this.defaultServer = Chain.of(serverEnc, null);
        this.defaultRequest = Chain.of(requestLinesEnc, null);
        serverEnc.forEach(e -> LOG.info("[log-encoder] registered {}", e.value()));
        requestEnc.forEach(e -> LOG.info("[log-req-encoder] registered {}", e.value()));
    }

    private void register(BundleContext context) {
        for (LoggerSink sink : built) {
            String stream = sink.requestOnly() ? "request" : ownRequestLoggers ? "server" : "all";
            registrations.add(context.registerService(LogSink.class, sink, properties(sink.name(), stream)));
        }
        if (!defaultServer.isEmpty()) {
            registrations.add(context.registerService(LogEncoder.class, new ChainEncoder(defaultServer), properties(null, "server")));
        }
        if (!defaultRequest.isEmpty()) {
            registrations.add(context.registerService(LogEncoder.class, new ChainEncoder(defaultRequest), properties(null, "request")));
        }
    }

    private static Hashtable<String, Object> properties(String name, String stream) {
        Hashtable<String, Object> p = new Hashtable<>();
        if (name != null) {
            p.put(LogSink.NAME, name);
        }
        p.put(LogSubscriber.STREAM, stream);
        return p;
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework took it down with the bundle
            }
        }
        registrations.clear();
    }

    private static boolean isFlag(String value) {
        return value == null || value.isEmpty() || value.equalsIgnoreCase("true");
    }

    private static List<EncoderSpec> encoders(Options options, String option, ZoneId zone) {
        return options.values(option).stream().map(v -> EncoderSpec.parse(option, v, zone)).toList();
    }

    private static Routes routes(Options options, String option) {
        return new Routes(options.values(option).stream().map(v -> Routes.parse(option, v)).toList());
    }

    private static Routes merged(Routes a, Routes b) {
        List<Routes.Route> all = new ArrayList<>(a.all());
        all.addAll(b.all());
        return new Routes(all);
    }

    /** Every route and bound encoder names a logger of the group it applies to. */
    private static void check(List<LoggerSpec> loggers, Routes routes, List<EncoderSpec> encoders, String routeOption) {
        Set<String> names = loggers.stream().map(LoggerSpec::id).filter(java.util.Objects::nonNull).collect(Collectors.toSet());
        for (Routes.Route r : routes.all()) {
            if (!names.contains(r.logger())) {
                throw new IllegalArgumentException("--" + routeOption + " '" + r.logger() + " " + r.pattern()
                        + "': no logger named " + r.logger() + (names.isEmpty() ? "" : " (named loggers: " + String.join(", ", names) + ")"));
            }
        }
        for (EncoderSpec e : encoders) {
            if (e.logger() != null && !names.contains(e.logger()) && loggers.stream().noneMatch(l -> e.logger().equals(l.id()))) {
                throw new IllegalArgumentException("--" + e.option() + " '" + e.value() + "': no logger named " + e.logger());
            }
        }
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** The loggers' outputs, opened from their specs with the options they read. */
    private record Outputs(Options options, ZoneId zone, Clock clock, String hostname) {
        Output open(LoggerSpec s) {
            try {
                return switch (s.type()) {
                    case "file" -> FileOutput.file(s.args(), clock, zone);
                    case "fd" -> FileOutput.fd(s.args(), clock, zone);
                    case "stdio" -> new StdioOutput();
                    case "socket" -> SocketOutput.open(s.args() == null ? "" : s.args());
                    case "syslog" -> SyslogOutput.syslog(s.args(), options.value("syslog-socket").orElse("/dev/log"), clock, zone);
                    case "rsyslog" -> SyslogOutput.rsyslog(s.args(), hostname, options.intValue("rsyslog-packet-size"),
                            options.isTrue("rsyslog-split-messages"), clock, zone);
                    default -> throw new IllegalArgumentException("unable to find logger '" + s.type() + "' (" + LoggerSpec.TYPES + ")");
                };
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--" + s.option() + " '" + s.value() + "': " + e.getMessage());
            }
        }
    }

    /** A chain as the default output's {@link LogEncoder}. */
    private record ChainEncoder(Chain chain) implements LogEncoder {
        @Override
        public byte[] encode(org.uwsgi4j.kernel.api.LogLine line) {
            return chain.encode(line.message(), line.epochMicros());
        }

        @Override
        public String toString() {
            return chain.toString();
        }
    }
}
