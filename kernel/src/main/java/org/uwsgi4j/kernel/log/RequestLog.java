package org.uwsgi4j.kernel.log;

import org.uwsgi4j.kernel.api.Strftime;
import java.time.Clock;
import java.time.ZoneId;
import org.uwsgi4j.kernel.api.Options;

/**
 * The request log: decides whether a finished request is logged (uWSGI's
 * {@code --disable-logging} and the conditional {@code --log-zero}, {@code --log-slow},
 * {@code --log-4xx}, {@code --log-5xx}, {@code --log-big} that log a request even when logging
 * is disabled), renders it with its {@link RequestLogFormat} and writes it to the
 * {@link LogPipeline}. Thread-safe; call {@link #log} once per request, after the response.
 */
public final class RequestLog {

    /**
     * When a request is logged.
     *
     * @param enabled     false with {@code --disable-logging}
     * @param zero        {@code --log-zero}: also requests whose response body is empty
     * @param slowMillis  {@code --log-slow}: also requests taking at least this many ms (0: off)
     * @param status4xx   {@code --log-4xx}: also 4xx responses
     * @param status5xx   {@code --log-5xx}: also 5xx responses
     * @param bigBytes    {@code --log-big}: also responses with at least this many body bytes (0: off)
     */
    public record Policy(boolean enabled, boolean zero, long slowMillis, boolean status4xx, boolean status5xx,
                         long bigBytes) {

        /** Log every request. */
        public static Policy always() {
            return new Policy(true, false, 0, false, false, 0);
        }

        /** True when no request can ever be logged (--disable-logging and no --log-* exception). */
        public boolean logsNothing() {
            return !enabled && !zero && slowMillis <= 0 && !status4xx && !status5xx && bigBytes <= 0;
        }

        /** Whether {@code r} is logged. */
        public boolean accepts(RequestRecord r) {
            return enabled
                    || zero && r.responseBytes() == 0
                    || slowMillis > 0 && r.durationMicros() / 1000 >= slowMillis
                    || status4xx && r.status() >= 400 && r.status() <= 499
                    || status5xx && r.status() >= 500 && r.status() <= 599
                    || bigBytes > 0 && r.responseBytes() >= bigBytes;
        }
    }

    private final RequestLogFormat format;
    private final Policy policy;
    private final LogPipeline pipeline;
    private final boolean memoryReport;

    public RequestLog(RequestLogFormat format, Policy policy, LogPipeline pipeline) {
        this(format, policy, pipeline, false);
    }

    /** @param memoryReport {@code --memory-report}: records carry the serving process's RSS and VSZ */
    public RequestLog(RequestLogFormat format, Policy policy, LogPipeline pipeline, boolean memoryReport) {
        this.format = format;
        this.policy = policy;
        this.pipeline = pipeline;
        this.memoryReport = memoryReport;
    }

    /**
     * The request log {@code options} ask for: {@code --log-format}/{@code --logformat} or
     * uWSGI's default line ({@code --memory-report}, {@code --log-micros}),
     * {@code --log-x-forwarded-for}, {@code --log-format-strftime} with {@code --log-date=FORMAT},
     * {@code --disable-logging} and the conditional options.
     *
     * @throws IllegalArgumentException when a numeric option is not a number (the config
     *                                  binder validates INT options before this runs)
     */
    public static RequestLog fromOptions(Options options, LogPipeline pipeline) {
        String logDate = LogPipeline.logDatePattern(options.value("log-date"));
        String ftime = options.isTrue("log-format-strftime") && logDate != null
                && !logDate.equals(Strftime.CTIME.pattern()) ? logDate : null;
        var settings = new RequestLogFormat.Settings(ZoneId.systemDefault(), options.isTrue("log-x-forwarded-for"),
                options.isTrue("memory-report"), options.isTrue("log-micros"), ftime, Clock.systemUTC());
        var format = options.value("log-format")
                .map(f -> RequestLogFormat.compile(f, settings))
                .orElseGet(() -> RequestLogFormat.uwsgiDefault(settings));
        var policy = new Policy(!options.isTrue("disable-logging"), options.isTrue("log-zero"),
                options.number("log-slow"), options.isTrue("log-4xx"), options.isTrue("log-5xx"),
                options.number("log-big"));
        return new RequestLog(format, policy, pipeline, options.isTrue("memory-report"));
    }

    /** Logs {@code r} if the policy accepts it. */
    public void log(RequestRecord r) {
        if (policy.accepts(r)) {
            pipeline.request(format.format(r));
        }
    }

    /** The format lines are rendered with. */
    public RequestLogFormat format() {
        return format;
    }

    /** Whether records must carry the memory of the process that served them ({@code --memory-report}). */
    public boolean memoryReport() {
        return memoryReport;
    }

    /** When requests are logged. */
    public Policy policy() {
        return policy;
    }
}
