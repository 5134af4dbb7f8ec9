package org.uwsgi4j.kernel.stats;

import java.util.List;
import java.util.Map;

/**
 * Writes a {@link StatsSnapshot} as uWSGI 2.0's stats document: the same field names, order and
 * types, and (unless minified, {@code --stats-minified}) uWSGI's tab-indented layout byte for
 * byte, with one difference: strings are JSON-escaped (uWSGI writes them raw).
 *
 * <p>uWSGI's layout, reproduced by {@link Out}: a key/value pair is indented with one tab per
 * level and followed by {@code ",\n"} unless last; an object or list opener ends its line; a
 * closer starts a new line; an object inside a list is indented, a list after its key is not.
 * A busy core's {@code vars} are unindented strings followed by an empty string, as uWSGI prints
 * them.
 */
public final class StatsJson {

    private StatsJson() {
    }

    /** The document for {@code s}. */
    public static String write(StatsSnapshot s, boolean minified) {
        Out o = new Out(minified);
        o.string("version", s.version()).comma();
        o.number("listen_queue", s.listenQueue()).comma();
        o.number("listen_queue_errors", s.listenQueueErrors()).comma();
        o.number("signal_queue", s.signalQueue()).comma();
        o.number("load", s.load()).comma();
        o.number("pid", s.pid()).comma();
        o.number("uid", s.uid()).comma();
        o.number("gid", s.gid()).comma();
        o.string("cwd", s.cwd()).comma();
        o.key("locks").listOpen();
        List<StatsSnapshot.Lock> locks = s.locks();
        for (int i = 0; i < locks.size(); i++) {
            o.objectOpen().number(locks.get(i).name(), locks.get(i).pid()).objectClose();
            o.commaUnless(i == locks.size() - 1);
        }
        o.listClose().comma();
        o.key("sockets").listOpen();
        List<StatsSnapshot.Socket> sockets = s.sockets();
        for (int i = 0; i < sockets.size(); i++) {
            socket(o, sockets.get(i));
            o.commaUnless(i == sockets.size() - 1);
        }
        o.listClose().comma();
        o.key("workers").listOpen();
        List<StatsSnapshot.Worker> workers = s.workers();
        for (int i = 0; i < workers.size(); i++) {
            worker(o, workers.get(i));
            o.commaUnless(i == workers.size() - 1);
        }
        o.listClose().comma();
        o.number("request_queue", s.requestQueue());
        o.comma().number("static_requests", s.staticRequests());
        if (!s.cheaper().isEmpty()) {
            o.comma().key("cheaper").listOpen();
            for (int i = 0; i < s.cheaper().size(); i++) {
                StatsSnapshot.Cheaper c = s.cheaper().get(i);
                o.objectOpen();
                o.number("modifier1", c.modifier1()).comma();
                o.string("algo", c.algorithm()).comma();
                o.number("decision", c.decision());
                if (!c.figures().isEmpty()) {
                    figures(o.comma(), c.figures());
                }
                o.objectClose();
                o.commaUnless(i == s.cheaper().size() - 1);
            }
            o.listClose();
        }
        for (var section : s.sections().entrySet()) {
            o.comma().key(section.getKey());
            value(o, section.getValue());
        }
        return o.end();
    }

    /**
     * A plugin section's value in uWSGI's layout: a map as an object, a list as a list, a number
     * or a boolean (as 0/1, uWSGI's way) as a number, anything else as a string.
     */
    private static void value(Out o, Object v) {
        if (v instanceof Map<?, ?> map) {
            o.bareObjectOpen();
            int i = 0;
            for (var e : map.entrySet()) {
                o.key(String.valueOf(e.getKey()));
                value(o, e.getValue());
                o.commaUnless(++i == map.size());
            }
            o.objectClose();
        } else if (v instanceof List<?> list) {
            o.listOpen();
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                o.indentHere();
                value(o, item);
                o.commaUnless(i == list.size() - 1);
            }
            o.listClose();
        } else if (v instanceof Number n) {
            o.raw(n instanceof Double || n instanceof Float ? n.toString() : Long.toString(n.longValue()));
        } else if (v instanceof Boolean b) {
            o.raw(b ? "1" : "0");
        } else {
            o.bareString(String.valueOf(v));
        }
    }

    /** The figures, comma-separated: a number as a number, anything else as a string. */
    private static void figures(Out o, Map<String, Object> figures) {
        int i = 0;
        for (var e : figures.entrySet()) {
            if (e.getValue() instanceof Number n) {
                o.number(e.getKey(), n.longValue());
            } else {
                o.string(e.getKey(), String.valueOf(e.getValue()));
            }
            o.commaUnless(++i == figures.size());
        }
    }

    private static void socket(Out o, StatsSnapshot.Socket s) {
        o.objectOpen();
        o.string("name", s.name()).comma();
        o.string("proto", s.proto()).comma();
        o.number("queue", s.queue()).comma();
        o.number("max_queue", s.maxQueue()).comma();
        o.number("shared", s.shared() ? 1 : 0).comma();
        o.number("can_offload", s.canOffload() ? 1 : 0);
        o.objectClose();
    }

    private static void worker(Out o, StatsSnapshot.Worker w) {
        o.objectOpen();
        o.number("id", w.id()).comma();
        o.number("pid", w.pid()).comma();
        o.number("accepting", w.accepting() ? 1 : 0).comma();
        o.number("requests", w.requests()).comma();
        o.number("delta_requests", w.deltaRequests()).comma();
        o.number("exceptions", w.exceptions()).comma();
        o.number("harakiri_count", w.harakiriCount()).comma();
        o.number("signals", w.signals()).comma();
        o.number("signal_queue", w.signalQueue()).comma();
        o.string("status", w.status()).comma();
        o.number("rss", w.rss()).comma();
        o.number("vsz", w.vsz()).comma();
        o.number("running_time", w.runningTime()).comma();
        o.number("last_spawn", w.lastSpawn()).comma();
        o.number("respawn_count", w.respawnCount()).comma();
        o.number("tx", w.tx()).comma();
        o.number("avg_rt", w.avgRt()).comma();
        o.key("apps").listOpen();
        for (int i = 0; i < w.apps().size(); i++) {
            app(o, w.apps().get(i));
            o.commaUnless(i == w.apps().size() - 1);
        }
        o.listClose().comma();
        o.key("cores").listOpen();
        for (int i = 0; i < w.cores().size(); i++) {
            core(o, w.cores().get(i));
            o.commaUnless(i == w.cores().size() - 1);
        }
        o.listClose();
        if (!w.cheaper().isEmpty()) {
            o.comma().key("cheaper").objectOpen();
            figures(o, w.cheaper());
            o.objectClose();
        }
        o.objectClose();
    }

    private static void app(Out o, StatsSnapshot.App a) {
        o.objectOpen();
        o.number("id", a.id()).comma();
        o.number("modifier1", a.modifier1()).comma();
        o.string("mountpoint", a.mountpoint()).comma();
        o.number("startup_time", a.startupTime()).comma();
        o.number("requests", a.requests()).comma();
        o.number("exceptions", a.exceptions()).comma();
        o.string("chdir", a.chdir());
        o.objectClose();
    }

    private static void core(Out o, StatsSnapshot.Core c) {
        o.objectOpen();
        o.number("id", c.id()).comma();
        o.number("requests", c.requests()).comma();
        o.number("static_requests", c.staticRequests()).comma();
        o.number("routed_requests", c.routedRequests()).comma();
        o.number("offloaded_requests", c.offloadedRequests()).comma();
        o.number("write_errors", c.writeErrors()).comma();
        o.number("read_errors", c.readErrors()).comma();
        o.number("in_request", c.inRequest() ? 1 : 0).comma();
        o.key("vars").listOpen();
        if (c.inRequest()) {
            for (String var : c.vars()) {
                o.bareString(var).comma();
            }
            o.bareString("");
        }
        o.listClose().comma();
        o.key("req_info").objectOpen();
        if (c.inRequest()) {
            o.number("request_start", c.requestStart());
        }
        o.objectClose();
        o.objectClose();
    }

    /** uWSGI's stats writer: tab indentation by nesting level, or nothing when minified. */
    private static final class Out {
        private final StringBuilder sb = new StringBuilder(4096);
        private final boolean minified;
        private int tabs = 1;

        Out(boolean minified) {
            this.minified = minified;
            sb.append('{');
            newline();
        }

        Out string(String key, String value) {
            key(key);
            quoted(value);
            return this;
        }

        Out number(String key, long value) {
            key(key);
            sb.append(value);
            return this;
        }

        Out key(String key) {
            indent();
            quoted(key);
            sb.append(':');
            return this;
        }

        Out bareString(String value) {
            quoted(value);
            return this;
        }

        Out comma() {
            sb.append(',');
            newline();
            return this;
        }

        void commaUnless(boolean last) {
            if (!last) {
                comma();
            }
        }

        Out objectOpen() {
            indent();
            if (!minified) {
                tabs++;
            }
            sb.append('{');
            newline();
            return this;
        }

        /** An object opener where a value goes (after a key or an {@link #indentHere}). */
        Out bareObjectOpen() {
            if (!minified) {
                tabs++;
            }
            sb.append('{');
            newline();
            return this;
        }

        /** The indentation of an item of a list, before its value. */
        Out indentHere() {
            indent();
            return this;
        }

        Out raw(String text) {
            sb.append(text);
            return this;
        }

        Out objectClose() {
            close('}');
            return this;
        }

        Out listOpen() {
            tabs++;
            sb.append('[');
            newline();
            return this;
        }

        Out listClose() {
            close(']');
            return this;
        }

        String end() {
            close('}');
            return sb.toString();
        }

        private void close(char c) {
            if (!minified) {
                newline();
                tabs--;
                indent();
            }
            sb.append(c);
        }

        private void newline() {
            if (!minified) {
                sb.append('\n');
            }
        }

        private void indent() {
            if (!minified) {
                sb.repeat('\t', tabs);
            }
        }

        private void quoted(String s) {
            sb.append('"');
            if (s != null) {
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    switch (c) {
                        case '"' -> sb.append("\\\"");
                        case '\\' -> sb.append("\\\\");
                        case '\n' -> sb.append("\\n");
                        case '\r' -> sb.append("\\r");
                        case '\t' -> sb.append("\\t");
                        case '\b' -> sb.append("\\b");
                        case '\f' -> sb.append("\\f");
                        default -> {
                            if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !validSurrogate(s, i)) {
                                sb.append("\\u");
                                String hex = Integer.toHexString(c);
                                sb.repeat('0', 4 - hex.length()).append(hex);
                            } else {
                                sb.append(c);
                            }
                        }
                    }
                }
            }
            sb.append('"');
        }

        private static boolean validSurrogate(String s, int i) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            }
            return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
        }
    }
}
