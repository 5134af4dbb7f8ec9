package org.uwsgi4j.kernel.log;

import org.uwsgi4j.kernel.api.Strftime;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link RequestRecord} into a request log line: uWSGI's default line, or a
 * {@code --log-format} string compiled once into a list of parts.
 *
 * <pre>
 *  "%(addr) [%(ltime)] %(method) %(uri) %(status)"
 *      │ compile (once)
 *      ▼
 *  [addr] [" ["] [ltime] ["] "] [method] [" "] [uri] [" "] [status]
 *      │ appendTo(out, record) (per request: appends only, no parsing)
 *      ▼
 *  127.0.0.1 [22/Nov/2026:03:04:56 +0000] GET /a 200
 * </pre>
 *
 * <p>Format rules, as uWSGI 2.0: {@code %(name)} is a variable; a variable whose value is
 * empty prints {@code -}; {@code %(var.NAME)} is the request variable NAME;
 * {@code %(metric.NAME)} prints 0 (uwsgi4j has no metrics subsystem yet; uWSGI prints 0 for an
 * unknown metric too); any other unknown name is a log variable the app set, {@code -} if unset.
 * Everything else, including a lone {@code %}, is literal text. Thread-safe.
 */
public final class RequestLogFormat {

    private interface Part {
        void append(StringBuilder out, RequestRecord r);
    }

    /**
     * How lines are rendered.
     *
     * @param zone         time zone of dates (uWSGI uses the local time zone)
     * @param forwardedFor {@code --log-x-forwarded-for}: the address is X-Forwarded-For when present
     * @param memoryReport {@code --memory-report}: the default line starts with the worker's memory
     * @param micros       {@code --log-micros}: the default line gives the time in microseconds
     * @param ftime        the {@code --log-date} strftime pattern when {@code --log-format-strftime}
     *                     is on ({@code %(ftime)} then uses it), else null
     * @param clock        source of "now" for {@code %(epoch)}
     */
    public record Settings(ZoneId zone, boolean forwardedFor, boolean memoryReport, boolean micros,
                           String ftime, Clock clock) {

        /** Local time zone, system clock, every option off. */
        public static Settings defaults() {
            return new Settings(ZoneId.systemDefault(), false, false, false, null, Clock.systemUTC());
        }
    }

    private final Part[] parts;
    private final String source;

    private RequestLogFormat(String source, List<Part> parts) {
        this.source = source;
        this.parts = parts.toArray(Part[]::new);
    }

    /**
     * uWSGI's default request line:
     * {@code [pid: 1|app: 0|req: 1/1] 127.0.0.1 () {24 vars in 246 bytes} [Sun Nov 22 03:04:56 2026]
     * GET / => generated 2 bytes in 0 msecs (HTTP/1.1 200) 1 headers in 45 bytes (1 switches on core 0)}; a static
     * file (app -1) with a body says {@code generated N bytes in M msecs via sendfile() (…)}.
     */
    public static RequestLogFormat uwsgiDefault(Settings settings) {
        PerSecond ctime = new PerSecond(Strftime.CTIME, settings.zone());
        boolean xff = settings.forwardedFor();
        boolean memory = settings.memoryReport();
        String unit = settings.micros() ? " micros" : " msecs";
        long divisor = settings.micros() ? 1 : 1000;
        Part line = (out, r) -> {
            if (memory) {
                out.append("{address space usage: ").append(r.vsz()).append(" bytes/")
                        .append(r.vsz() / 1024 / 1024).append("MB} {rss usage: ").append(r.rss())
                        .append(" bytes/").append(r.rss() / 1024 / 1024).append("MB} ");
            }
            long appRequests = r.appId() >= 0 && r.appRequests() > 0 ? r.appRequests() : -1;
            out.append("[pid: ").append(r.pid()).append("|app: ").append(r.appId())
                    .append("|req: ").append(appRequests).append('/').append(r.totalRequests()).append("] ");
            raw(out, address(r, xff));
            out.append(" (");
            raw(out, r.remoteUser());
            out.append(") {").append(r.varCount()).append(" vars in ").append(r.varsBytes()).append(" bytes} [")
                    .append(ctime.format(Math.floorDiv(r.startMicros(), 1_000_000L))).append("] ");
            raw(out, r.method());
            out.append(' ');
            raw(out, r.uri());
            out.append(" => generated ").append(r.responseBytes()).append(" bytes in ")
                    .append(Math.max(0, r.durationMicros()) / divisor).append(unit);
            if (r.appId() == -1 && r.responseBytes() > 0 && (r.status() == 200 || r.status() == 206)) {
                out.append(" via sendfile()"); // a static file (app -1): its body went by sendfile(2), as uWSGI says
            }
            out.append(" (");
            raw(out, r.protocol());
            out.append(' ').append(r.status()).append(") ").append(r.headerCount()).append(" headers in ")
                    .append(r.headerBytes()).append(" bytes (").append(r.switches()).append(" switches on core ")
                    .append(r.core()).append(')');
        };
        return new RequestLogFormat(null, List.of(line));
    }

    /** Compiles a {@code --log-format} string. */
    public static RequestLogFormat compile(String format, Settings settings) {
        List<Part> parts = new ArrayList<>();
        int literalStart = 0;
        int i = 0;
        while (i < format.length()) {
            int open = format.indexOf("%(", i);
            if (open < 0) {
                break;
            }
            int close = format.indexOf(')', open + 2);
            if (close < 0) {
                break;
            }
            if (close == open + 2) {
                i = close + 1;
                continue;
            }
            if (open > literalStart) {
                parts.add(literal(format.substring(literalStart, open)));
            }
            parts.add(variable(format.substring(open + 2, close), settings));
            i = close + 1;
            literalStart = i;
        }
        if (literalStart < format.length()) {
            parts.add(literal(format.substring(literalStart)));
        }
        return new RequestLogFormat(format, parts);
    }

    /** The {@code --log-format} string, or null for uWSGI's default line. */
    public String source() {
        return source;
    }

    /** The line for {@code r}, without a newline. */
    public String format(RequestRecord r) {
        return appendTo(new StringBuilder(256), r).toString();
    }

    /** Appends the line for {@code r} to {@code out}, without a newline. */
    public StringBuilder appendTo(StringBuilder out, RequestRecord r) {
        for (Part p : parts) {
            p.append(out, r);
        }
        return out;
    }

    private static Part literal(String text) {
        return (out, r) -> out.append(text);
    }

    private static Part variable(String name, Settings settings) {
        boolean xff = settings.forwardedFor();
        Part known = switch (name) {
            case "uri" -> (out, r) -> text(out, r.uri());
            case "method" -> (out, r) -> text(out, r.method());
            case "user" -> (out, r) -> text(out, r.remoteUser());
            case "addr" -> (out, r) -> text(out, address(r, xff));
            case "host" -> (out, r) -> text(out, r.host());
            case "proto" -> (out, r) -> text(out, r.protocol());
            case "uagent" -> (out, r) -> text(out, r.userAgent());
            case "referer" -> (out, r) -> text(out, r.referer());
            case "status" -> (out, r) -> out.append(r.status());
            case "rsize" -> (out, r) -> out.append(r.responseBytes());
            case "hsize" -> (out, r) -> out.append(r.headerBytes());
            case "size" -> (out, r) -> out.append(r.headerBytes() + r.responseBytes());
            case "cl" -> (out, r) -> out.append(r.contentLength());
            case "micros" -> (out, r) -> out.append(r.durationMicros());
            case "msecs" -> (out, r) -> out.append(r.durationMicros() / 1000);
            case "secs" -> RequestLogFormat::seconds;
            case "tmsecs" -> (out, r) -> out.append(r.startMicros() / 1000);
            case "tmicros" -> (out, r) -> out.append(r.startMicros());
            case "time" -> (out, r) -> out.append(r.startMicros() / 1_000_000);
            case "ltime" -> dateOfStart(Strftime.APACHE, settings);
            case "ftime" -> dateOfStart(settings.ftime() == null ? Strftime.APACHE : Strftime.compile(settings.ftime()), settings);
            case "ctime" -> dateOfStart(Strftime.CTIME, settings);
            case "epoch" -> {
                Clock clock = settings.clock();
                yield (out, r) -> out.append(clock.instant().getEpochSecond());
            }
            case "pid" -> (out, r) -> out.append(r.pid());
            case "wid" -> (out, r) -> out.append(r.workerId());
            case "switches" -> (out, r) -> out.append(r.switches());
            case "vars" -> (out, r) -> out.append(r.varCount());
            case "core" -> (out, r) -> out.append(r.core());
            case "vsz" -> (out, r) -> out.append(r.vsz());
            case "rss" -> (out, r) -> out.append(r.rss());
            case "vszM" -> (out, r) -> out.append(r.vsz() / 1024 / 1024);
            case "rssM" -> (out, r) -> out.append(r.rss() / 1024 / 1024);
            case "pktsize" -> (out, r) -> out.append(r.varsBytes());
            case "modifier1" -> (out, r) -> out.append(r.modifier1());
            case "modifier2" -> (out, r) -> out.append(r.modifier2());
            case "headers" -> (out, r) -> out.append(r.headerCount());
            case "werr" -> (out, r) -> out.append(r.writeErrors());
            case "rerr" -> (out, r) -> out.append(r.readErrors());
            case "ioerr" -> (out, r) -> out.append(r.readErrors() + r.writeErrors());
            default -> null;
        };
        if (known != null) {
            return known;
        }
        if (name.startsWith("var.")) {
            String var = name.substring(4);
            return (out, r) -> text(out, r.vars().get(var));
        }
        if (name.startsWith("metric.")) {
            return (out, r) -> out.append('0');
        }
        return (out, r) -> text(out, r.logVars().get(name));
    }

    private static Part dateOfStart(Strftime pattern, Settings settings) {
        PerSecond cache = new PerSecond(pattern, settings.zone());
        return (out, r) -> text(out, cache.format(Math.floorDiv(r.startMicros(), 1_000_000L)));
    }

    /** uWSGI's {@code %f} of the duration in seconds: always six decimals. */
    private static void seconds(StringBuilder out, RequestRecord r) {
        long micros = Math.max(0, r.durationMicros());
        out.append(micros / 1_000_000).append('.');
        long fraction = micros % 1_000_000;
        for (long scale = 100_000; scale > fraction && scale > 1; scale /= 10) {
            out.append('0');
        }
        out.append(fraction);
    }

    private static String address(RequestRecord r, boolean forwardedFor) {
        if (forwardedFor && r.forwardedFor() != null && !r.forwardedFor().isEmpty()) {
            return r.forwardedFor();
        }
        return r.remoteAddr();
    }

    /** A format variable: its value, or {@code -} when empty. */
    private static void text(StringBuilder out, String value) {
        out.append(value == null || value.isEmpty() ? "-" : value);
    }

    /** A field of the default line: its value, or nothing. */
    private static void raw(StringBuilder out, String value) {
        if (value != null) {
            out.append(value);
        }
    }
}
