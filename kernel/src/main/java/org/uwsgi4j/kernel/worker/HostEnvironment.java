package org.uwsgi4j.kernel.worker;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.uwsgi4j.kernel.api.Options;

/**
 * The language-neutral facts every worker host gets in its environment from the kernel (what a
 * language's {@code uwsgi} module shows; docs/worker-protocol.md, "Environment"), whatever its
 * language:
 *
 * <pre>
 *  UWSGI4J_OPTIONS     every option as a JSON array of [name, value] pairs, in order (a flag's value: "true")
 *  UWSGI4J_MASTER_PID  the JVM's pid (the "master")
 *  UWSGI4J_STARTED_ON  when the server started: the JVM's start, epoch seconds
 *  UWSGI4J_VERSION     the server's version, major.minor.micro
 *  UWSGI4J_WRITE_ERRORS_TOLERANCE  --write-errors-tolerance, when above 0
 *  UWSGI4J_DISABLE_WRITE_EXCEPTION 1 with --disable-write-exception
 *  UWSGI4J_AUTO_PROCNAME, UWSGI4J_PROCNAME_PREFIX, UWSGI4J_PROCNAME_APPEND, UWSGI4J_PROCNAME
 *                      with --auto-procname or any --procname* option ({@link ProcessNames})
 * </pre>
 */
final class HostEnvironment {

    private HostEnvironment() {
    }

    /** The facts for {@code options} and {@code version}, read once at start-up. */
    static Map<String, String> of(Options options, String version) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("UWSGI4J_OPTIONS", json(options.entries()));
        env.put("UWSGI4J_MASTER_PID", Long.toString(ProcessHandle.current().pid()));
        env.put("UWSGI4J_STARTED_ON", Long.toString(ProcessHandle.current().info().startInstant()
                .map(Instant::getEpochSecond).orElseGet(() -> System.currentTimeMillis() / 1000)));
        env.put("UWSGI4J_VERSION", version);
        int tolerance = options.intValue("write-errors-tolerance");
        if (tolerance > 0) {
            env.put("UWSGI4J_WRITE_ERRORS_TOLERANCE", Integer.toString(tolerance));
        }
        if (options.isTrue("disable-write-exception")) {
            env.put("UWSGI4J_DISABLE_WRITE_EXCEPTION", "1");
        }
        ProcessNames.fromOptions(options).addTo(env);
        return Map.copyOf(env);
    }

    /** {@code [["name","value"],…]}; a flag given without a value is {@code "true"}. */
    static String json(List<Map.Entry<String, String>> entries) {
        StringBuilder json = new StringBuilder("[");
        for (Map.Entry<String, String> e : entries) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('[');
            string(json, e.getKey());
            json.append(',');
            string(json, e.getValue() == null ? "true" : e.getValue());
            json.append(']');
        }
        return json.append(']').toString();
    }

    private static void string(StringBuilder json, String s) {
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
