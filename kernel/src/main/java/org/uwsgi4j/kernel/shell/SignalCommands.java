package org.uwsgi4j.kernel.shell;

import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.uwsgi4j.kernel.api.Signals;

/**
 * The Gogo commands {@code uwsgi:signals} (the registered signals: number, target, modifier1,
 * the worker whose memory holds the handler, times raised and handled) and
 * {@code uwsgi:signal N} (raises N, as an application's {@code uwsgi.signal(N)} does).
 */
@Component(service = SignalCommands.class, property = {
        "osgi.command.scope=uwsgi",
        "osgi.command.function=signals",
        "osgi.command.function=signal"})
public final class SignalCommands {

    private final Signals signals;

    @Activate
    public SignalCommands(@Reference Signals signals) {
        this.signals = signals;
    }

    /** The registered signals, a table. */
    public String signals() {
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"SIGNAL", "TARGET", "MODIFIER1", "WID", "RAISED", "HANDLED"});
        for (Signals.Registration r : signals.registrations()) {
            table.add(new String[] {String.valueOf(r.signum()), r.target().isEmpty() ? "default" : r.target(),
                    String.valueOf(r.modifier1()), r.workers().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(",")), String.valueOf(r.raised()), String.valueOf(r.handled())});
        }
        return Table.render(table);
    }

    /** Raises signal {@code n}. */
    public String signal(int n) {
        signals.raise(n);
        return "signal " + n + " raised" + (signals.registered(n) ? "" : " (not registered)");
    }
}
