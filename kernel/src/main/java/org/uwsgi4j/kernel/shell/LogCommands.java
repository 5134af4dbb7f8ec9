package org.uwsgi4j.kernel.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.uwsgi4j.kernel.log.LogPipeline;

/**
 * {@code uwsgi:loggers}: every output of the log (the loggers the plugins configured, then the
 * default output), which lines it takes, its line counts and drops, and what it is (its logger,
 * encoders and routes, as the plugin describes it).
 */
@Component(service = LogCommands.class, property = {
        "osgi.command.scope=uwsgi",
        "osgi.command.function=loggers"})
public final class LogCommands {

    private final LogPipeline pipeline;

    @Activate
    public LogCommands(@Reference LogPipeline pipeline) {
        this.pipeline = pipeline;
    }

    /** One row per log output: name, streams, lines queued and written, dropped, failed, description. */
    public String loggers() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "LINES", "QUEUED", "WRITTEN", "DROPPED", "FAILED", "WHAT"});
        for (LogPipeline.SinkStatus s : pipeline.sinkStatus()) {
            String streams = s.streams().stream().map(x -> x.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(","));
            rows.add(new String[] {s.name(), streams, Long.toString(s.queued()), Long.toString(s.written()),
                    Long.toString(s.dropped()), Long.toString(s.failed()), s.description()});
        }
        return Table.render(rows);
    }
}
