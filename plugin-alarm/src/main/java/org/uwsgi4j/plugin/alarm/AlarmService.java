package org.uwsgi4j.plugin.alarm;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.uwsgi4j.kernel.api.ListenQueueWatcher;
import org.uwsgi4j.kernel.api.LogSubscriber;
import org.uwsgi4j.kernel.api.Options;
import org.uwsgi4j.kernel.api.UnwatchedLog;
import org.uwsgi4j.kernel.api.WorkerCall;
import org.uwsgi4j.kernel.api.WorkerDeathWatcher;
import org.uwsgi4j.plugin.alarm.api.AlarmAction;

/**
 * The alarms of this instance (docs/plugins/alarm.md): the {@code --alarm}s with the action of
 * their type, and the triggers that raise them.
 *
 * <pre>
 *  log line ─▶ LogSubscriber (kernel's subscriber thread) ─▶ LogRules ─┐
 *  --alarm-fd: FdWatch thread, poll() + read() of the inherited fd ───┤
 *  --alarm-backlog: ListenQueueWatcher (kernel's checking thread) ────┼─▶ Alarm.trigger: anti-flood,
 *  --alarm-segfault: WorkerDeathWatcher (master thread) ──────────────┤    cut, queue (never blocks)
 *  uwsgi.alarm(name, msg): the "alarm" WorkerCall ────────────────────┘        │
 *                                                        AlarmThread (own, or one with --alarm-cheap)
 *                                                                              ▼
 *                                                      AlarmAction.Raise (log, cmd, signal, curl …)
 * </pre>
 *
 * Its own lines go to the kernel's {@link UnwatchedLog}, which never hands them to subscribers:
 * an alarm cannot raise itself. It registers the watchers itself, once the alarms are built, and
 * only those an option asks for (no log alarm: no subscriber, nothing per log line), and the
 * {@code alarm} call ({@link AlarmCall}). A bad option refuses the start with one
 * line ({@link IllegalArgumentException} from {@link #activate}).
 */
@Component(immediate = true, service = AlarmService.class)
public final class AlarmService {

    private final Map<String, AlarmAction> types = new ConcurrentHashMap<>();
    private final Map<String, Alarm> alarms = new LinkedHashMap<>();
    private final List<AlarmThread> threads = new ArrayList<>();
    private final List<FdWatch> fdWatches = new ArrayList<>();
    private final List<ServiceRegistration<?>> registrations = new CopyOnWriteArrayList<>();
    private final List<String> triggers = new ArrayList<>();
    private volatile boolean active;

    @Reference
    Options options;

    @Reference
    UnwatchedLog log;

    /**
     * The plugin's own types, bound before {@link #activate} (the whiteboard below would bind
     * them in whatever order the bundle's components come up); the types of other bundles must
     * have started before this plugin (docs/plugins/alarm.md).
     */
    @Reference(target = "(" + AlarmAction.TYPE + "=log)")
    AlarmAction logType;

    @Reference(target = "(" + AlarmAction.TYPE + "=cmd)")
    AlarmAction cmdType;

    @Reference(target = "(" + AlarmAction.TYPE + "=signal)")
    AlarmAction signalType;

    @Reference(target = "(" + AlarmAction.TYPE + "=curl)")
    AlarmAction curlType;

    @Reference(target = "(" + AlarmAction.TYPE + "=mule)")
    AlarmAction muleType;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindType(AlarmAction type, Map<String, Object> props) {
        if (!(props.get(AlarmAction.TYPE) instanceof String name)) {
            return;
        }
        types.put(name, type);
        if (active) {
            synchronized (alarms) {
                alarms.values().stream().filter(a -> a.definition.type().equals(name) && !a.hasAction()).forEach(a -> prepare(a, type));
            }
        }
    }

    void unbindType(AlarmAction type, Map<String, Object> props) {
        if (props.get(AlarmAction.TYPE) instanceof String name && types.remove(name, type)) {
            synchronized (alarms) {
                alarms.values().stream().filter(a -> a.definition.type().equals(name)).forEach(a -> a.action(null));
            }
        }
    }

    /** Builds the alarms and triggers of the options; a method, not a constructor, so a refusal reaches the kernel as it is. */
    @Activate
    void activate(BundleContext context) {
        if (options.isTrue("alarms-list")) {
            log.server("*** uWSGI loaded alarms ***");
            types.keySet().stream().sorted().forEach(log::server);
            log.server("--- end of alarms list ---");
        }
        long freq = options.intValue("alarm-freq");
        int msgSize = options.intValue("alarm-msg-size");
        AlarmThread shared = options.isTrue("alarm-cheap") ? new AlarmThread("uwsgi4j-alarm") : null;
        if (shared != null) {
            threads.add(shared);
        }
        synchronized (alarms) {
            for (AlarmDefinitions.Definition d : AlarmDefinitions.alarms(options)) {
                AlarmAction type = types.get(d.type());
                if (type == null) {
                    throw new IllegalArgumentException("invalid alarm: " + d.text() + " (no alarm type \"" + d.type()
                            + "\"; available: " + String.join(", ", types.keySet().stream().sorted().toList()) + ")");
                }
                Alarm a = new Alarm(d, freq, msgSize, log::server);
                a.action(prepareOrRefuse(type, d));
                AlarmThread t = shared != null ? shared : new AlarmThread("uwsgi4j-alarm-" + d.name());
                if (shared == null) {
                    threads.add(t);
                }
                a.runOn(t);
                alarms.put(d.name(), a);
            }
        }
        var names = alarms.keySet();
        LogRules rules = new LogRules(AlarmDefinitions.logRules(options, names));
        List<AlarmDefinitions.FdTrigger> fds = AlarmDefinitions.fds(options, names);
        List<String> backlog = AlarmDefinitions.names(options, "alarm-backlog", names);
        List<String> segfault = AlarmDefinitions.names(options, "alarm-segfault", names);
        threads.forEach(AlarmThread::start);
        active = true;
        register(context, WorkerCall.class, new AlarmCall(this), Map.of(WorkerCall.NAME, "alarm"));
        if (!rules.isEmpty()) {
            rules.rules().forEach(r -> triggers.add(r.describe()));
            register(context, LogSubscriber.class, (stream, line) -> rules.alarmsFor(line).forEach(n -> trigger(n, line)),
                    Map.of(LogSubscriber.STREAM, "all"));
        }
        if (!backlog.isEmpty()) {
            backlog.forEach(n -> triggers.add("--alarm-backlog " + n));
            register(context, ListenQueueWatcher.class, (socket, fd, queued, max) -> {
                String message = "listen queue of socket \"" + socket + "\" (fd: " + fd + ") full !!! (" + queued + "/" + max + ")";
                backlog.forEach(n -> trigger(n, message));
            }, Map.of());
        }
        if (!segfault.isEmpty()) {
            segfault.forEach(n -> triggers.add("--alarm-segfault " + n));
            register(context, WorkerDeathWatcher.class, (modifier1, id, pid, signal, status) -> {
                String crash = Crash.name(signal);
                if (crash != null) {
                    String message = "worker " + id + " (pid: " + pid + ") crashed: killed by signal " + signal + " (" + crash + ")";
                    segfault.forEach(n -> trigger(n, message));
                }
            }, Map.of());
        }
        for (FdWatch w : FdWatch.group(fds, options.value("daemonize").isPresent() || options.value("daemonize2").isPresent(),
                this::trigger, log::server)) {
            fdWatches.add(w);
            w.start();
        }
    }

    private <S> void register(BundleContext context, Class<S> type, S service, Map<String, ?> props) {
        registrations.add(context.registerService(type, service, new Hashtable<>(props)));
    }

    private static AlarmAction.Raise prepareOrRefuse(AlarmAction type, AlarmDefinitions.Definition d) {
        try {
            return type.prepare(d.name(), d.args());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid alarm: " + d.text() + " (" + e.getMessage() + ")");
        }
    }

    /** A type came back (its bundle replaced): the alarms of that type get their action again, or one line why not. */
    private void prepare(Alarm a, AlarmAction type) {
        try {
            a.action(type.prepare(a.name(), a.definition.args()));
        } catch (RuntimeException e) {
            log.server("[uwsgi-alarm] alarm " + a.name() + ": " + e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        active = false;
        registrations.forEach(r -> {
            try {
                r.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        });
        fdWatches.forEach(FdWatch::stop);
        threads.forEach(AlarmThread::stop);
    }

    /** Raises alarm {@code name} with {@code message} (anti-flood, queued); false when no such alarm exists. */
    boolean trigger(String name, String message) {
        Alarm a;
        synchronized (alarms) {
            a = alarms.get(name);
        }
        if (a == null || !active) {
            return false;
        }
        a.trigger(message, System.nanoTime());
        return true;
    }

    /** Every alarm's state, in definition order, for the shell. */
    List<Alarm.Status> statuses() {
        synchronized (alarms) {
            return alarms.values().stream().map(Alarm::status).toList();
        }
    }

    /** The triggers, as the options gave them (fd watches with their state). */
    List<String> triggers() {
        List<String> all = new ArrayList<>(triggers);
        fdWatches.forEach(w -> all.add(w.describe()));
        return all;
    }

    /** The log the plugin writes its own lines to. */
    UnwatchedLog log() {
        return log;
    }
}
