package org.uwsgi4j.kernel.log;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.uwsgi4j.kernel.api.LogEncoder;
import org.uwsgi4j.kernel.api.LogSink;
import org.uwsgi4j.kernel.api.LogSubscriber;
import org.uwsgi4j.kernel.api.LogSubscriber.Stream;

/**
 * Connects every {@link LogSubscriber}, {@link LogSink} and {@link LogEncoder} service to the
 * {@link LogPipeline} service the kernel registers once the log is set up: services appearing or
 * going away at run time (a bundle dropped in or uninstalled) start or stop receiving lines at
 * once, and the default output takes the lines back when the last sink goes.
 */
@Component(service = {})
public final class LogWhiteboard {

    private final LogPipeline pipeline;
    private final BooleanSupplier frameworkStopping;

    @Activate
    public LogWhiteboard(BundleContext context, @Reference LogPipeline pipeline) {
        this(pipeline, () -> context.getBundle(0).getState() == Bundle.STOPPING);
    }

    /**
     * @param frameworkStopping whether the whole framework is stopping (the server shuts down): a
     *                          logging plugin stops before the kernel, and its sinks and encoders
     *                          are then kept until the log closes, so the last lines of the run
     *                          (workers stopped, goodbye) go where every other line went
     */
    LogWhiteboard(LogPipeline pipeline, BooleanSupplier frameworkStopping) {
        this.pipeline = pipeline;
        this.frameworkStopping = frameworkStopping;
    }

    private boolean shuttingDown() {
        return frameworkStopping.getAsBoolean();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addSubscriber(LogSubscriber subscriber, Map<String, Object> properties) {
        pipeline.subscribe(subscriber, streams(properties.get(LogSubscriber.STREAM)));
    }

    void removeSubscriber(LogSubscriber subscriber) {
        pipeline.unsubscribe(subscriber);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addSink(LogSink sink, Map<String, Object> properties) {
        Object name = properties.get(LogSink.NAME);
        pipeline.addSink(sink, name == null ? sink.getClass().getSimpleName() : name.toString(),
                streams(properties.get(LogSubscriber.STREAM)));
    }

    void removeSink(LogSink sink) {
        if (!shuttingDown()) {
            pipeline.removeSink(sink);
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addEncoder(LogEncoder encoder, Map<String, Object> properties) {
        pipeline.addEncoder(encoder, streams(properties.get(LogSubscriber.STREAM)));
    }

    void removeEncoder(LogEncoder encoder) {
        if (!shuttingDown()) {
            pipeline.removeEncoder(encoder);
        }
    }

    /** The streams a {@link LogSubscriber#STREAM} property value asks for (all when absent or unknown). */
    static Set<Stream> streams(Object property) {
        String value = property == null ? "all" : property.toString().strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "server" -> EnumSet.of(Stream.SERVER);
            case "request" -> EnumSet.of(Stream.REQUEST);
            default -> EnumSet.allOf(Stream.class);
        };
    }
}
