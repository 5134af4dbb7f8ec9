package org.uwsgi4j.kernel.signal;

import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.uwsgi4j.kernel.api.WorkerCall;

/**
 * The calls of uWSGI's signal API for applications (docs/signals.md), one {@link WorkerCall}
 * component each, all answered by the {@link SignalTable}. Arguments are decimal text; a bad
 * one is an {@code error} answer (the application's language raises it).
 */
public final class SignalCalls {

    private SignalCalls() {
    }

    static int number(List<String> args, int i, String what) {
        if (args.size() <= i) {
            throw new IllegalArgumentException("missing " + what);
        }
        try {
            return Integer.parseInt(args.get(i).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " is not a number: " + args.get(i));
        }
    }

    /** {@code register_signal NUM TARGET}: the caller holds the handler. */
    @Component(property = WorkerCall.NAME + "=register_signal")
    public static final class Register implements WorkerCall {
        private final SignalTable table;

        @Activate
        public Register(@Reference SignalTable table) {
            this.table = table;
        }

        @Override
        public List<String> call(List<String> arguments) {
            throw new IllegalStateException("register_signal needs its caller");
        }

        @Override
        public List<String> call(Caller caller, List<String> args) {
            table.register(caller, number(args, 0, "signal"), args.size() > 1 ? args.get(1) : "");
            return List.of();
        }
    }

    /** {@code signal NUM}: raises it. */
    @Component(property = WorkerCall.NAME + "=signal")
    public static final class Raise implements WorkerCall {
        private final SignalTable table;

        @Activate
        public Raise(@Reference SignalTable table) {
            this.table = table;
        }

        @Override
        public List<String> call(List<String> args) {
            table.raise(number(args, 0, "signal"));
            return List.of();
        }
    }

    /** {@code signal_registered NUM}: {@code 1} or {@code 0}. */
    @Component(property = WorkerCall.NAME + "=signal_registered")
    public static final class Registered implements WorkerCall {
        private final SignalTable table;

        @Activate
        public Registered(@Reference SignalTable table) {
            this.table = table;
        }

        @Override
        public List<String> call(List<String> args) {
            return List.of(table.registered(number(args, 0, "signal")) ? "1" : "0");
        }
    }

    /** {@code add_timer NUM SECONDS}. */
    @Component(property = WorkerCall.NAME + "=add_timer")
    public static final class AddTimer implements WorkerCall {
        private final SignalTable table;

        @Activate
        public AddTimer(@Reference SignalTable table) {
            this.table = table;
        }

        @Override
        public List<String> call(List<String> args) {
            table.addTimer(number(args, 0, "signal"), number(args, 1, "seconds"), 0);
            return List.of();
        }
    }

    /** {@code add_rb_timer NUM SECONDS [ITERATIONS]}. */
    @Component(property = WorkerCall.NAME + "=add_rb_timer")
    public static final class AddRbTimer implements WorkerCall {
        private final SignalTable table;

        @Activate
        public AddRbTimer(@Reference SignalTable table) {
            this.table = table;
        }

        @Override
        public List<String> call(List<String> args) {
            int iterations = args.size() > 2 ? number(args, 2, "iterations") : 0;
            table.addTimer(number(args, 0, "signal"), number(args, 1, "seconds"), Math.max(0, iterations));
            return List.of();
        }
    }

    /** {@code add_file_monitor NUM PATH}. */
    @Component(property = WorkerCall.NAME + "=add_file_monitor")
    public static final class AddFileMonitor implements WorkerCall {
        private final SignalTable table;

        @Activate
        public AddFileMonitor(@Reference SignalTable table) {
            this.table = table;
        }

        @Override
        public List<String> call(List<String> args) {
            if (args.size() < 2 || args.get(1).isEmpty()) {
                throw new IllegalArgumentException("add_file_monitor: missing path");
            }
            table.addFileMonitor(number(args, 0, "signal"), args.get(1));
            return List.of();
        }
    }
}
