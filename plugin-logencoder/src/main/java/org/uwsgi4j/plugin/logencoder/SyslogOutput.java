package org.uwsgi4j.plugin.logencoder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Map;
import org.uwsgi4j.kernel.api.Strftime;

/**
 * uWSGI's {@code syslog} and {@code rsyslog} loggers: each message (its trailing newline
 * dropped) one RFC 3164 datagram, {@code <PRI>Mmm dd hh:mm:ss TAG: message}.
 *
 * <ul>
 * <li>{@code syslog[:IDENT[,FACILITY]]}: what glibc's {@code syslog(3)} sends to the local
 *     syslog socket ({@code /dev/log}, or {@code --syslog-socket}); the tag is IDENT
 *     ({@code uwsgi}), the priority FACILITY ({@code daemon}) at severity info.</li>
 * <li>{@code rsyslog:ADDR[,PREFIX[,PRIORITY]]}: to a remote syslog over UDP ({@code HOST[:514]})
 *     or a Unix datagram socket ({@code /path}); the tag is PREFIX ({@code HOSTNAME uwsgi}), the
 *     priority number PRIORITY (29, daemon.notice). A datagram holds at most
 *     {@code --rsyslog-packet-size} bytes (1024, RFC 3164); a longer message is cut, or sent in
 *     several datagrams with {@code --rsyslog-split-messages}.</li>
 * </ul>
 */
final class SyslogOutput implements Output {

    /** The facilities by name, as syslog(3) numbers them. */
    static final Map<String, Integer> FACILITIES = Map.ofEntries(
            Map.entry("kern", 0), Map.entry("user", 1), Map.entry("mail", 2), Map.entry("daemon", 3),
            Map.entry("auth", 4), Map.entry("security", 4), Map.entry("syslog", 5), Map.entry("lpr", 6),
            Map.entry("news", 7), Map.entry("uucp", 8), Map.entry("cron", 9), Map.entry("authpriv", 10),
            Map.entry("ftp", 11), Map.entry("local0", 16), Map.entry("local1", 17), Map.entry("local2", 18),
            Map.entry("local3", 19), Map.entry("local4", 20), Map.entry("local5", 21), Map.entry("local6", 22),
            Map.entry("local7", 23));
    private static final int LOG_INFO = 6;
    private static final Strftime STAMP = Strftime.compile("%b %e %H:%M:%S");

    private final String kind;
    private final DatagramTarget target;
    private final int priority;
    private final byte[] tag;
    private final int packetSize;
    private final boolean split;
    private final Clock clock;
    private final ZoneId zone;

    private SyslogOutput(String kind, DatagramTarget target, int priority, String tag, int packetSize, boolean split,
                         Clock clock, ZoneId zone) {
        this.kind = kind;
        this.target = target;
        this.priority = priority;
        this.tag = tag.getBytes(StandardCharsets.UTF_8);
        this.packetSize = packetSize;
        this.split = split;
        this.clock = clock;
        this.zone = zone;
    }

    /** {@code syslog[:IDENT[,FACILITY]]} to the local socket {@code socketPath}. */
    static SyslogOutput syslog(String args, String socketPath, Clock clock, ZoneId zone) {
        String ident = "uwsgi";
        int facility = FACILITIES.get("daemon");
        if (args != null) {
            int comma = args.indexOf(',');
            ident = comma < 0 ? args : args.substring(0, comma);
            if (comma >= 0) {
                String name = args.substring(comma + 1);
                Integer f = FACILITIES.get(name);
                if (f == null) {
                    throw new IllegalArgumentException("unknown syslog facility " + name + " (" + String.join(", ",
                            new java.util.TreeSet<>(FACILITIES.keySet())) + ")");
                }
                facility = f;
            }
        }
        return new SyslogOutput("syslog", DatagramTarget.open(socketPath, 0), facility * 8 + LOG_INFO, ident,
                Integer.MAX_VALUE, false, clock, zone);
    }

    /** {@code rsyslog:ADDR[,PREFIX[,PRIORITY]]}. */
    static SyslogOutput rsyslog(String args, String hostname, int packetSize, boolean split, Clock clock, ZoneId zone) {
        if (args == null || args.isEmpty()) {
            throw new IllegalArgumentException("invalid rsyslog syntax: rsyslog:ADDR[,PREFIX[,PRIORITY]]");
        }
        String[] parts = args.split(",", 3);
        String prefix = parts.length > 1 ? parts[1] : hostname + " uwsgi";
        int priority = 29;
        if (parts.length > 2) {
            try {
                priority = Integer.parseInt(parts[2].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("rsyslog priority '" + parts[2] + "' is not a number");
            }
        }
        if (packetSize < 64) {
            throw new IllegalArgumentException("--rsyslog-packet-size " + packetSize + ": at least 64 bytes");
        }
        return new SyslogOutput("rsyslog", DatagramTarget.open(parts[0], 514), priority, prefix, packetSize, split, clock, zone);
    }

    @Override
    public void write(byte[] message) throws IOException {
        int len = message.length > 0 && message[message.length - 1] == '\n' ? message.length - 1 : message.length;
        byte[] head = ("<" + priority + ">" + STAMP.format(clock.instant().getEpochSecond(), zone) + " ")
                .getBytes(StandardCharsets.US_ASCII);
        int overhead = head.length + tag.length + 2;
        int chunk = Math.max(1, packetSize == Integer.MAX_VALUE ? len : Math.min(len, packetSize - 30));
        int pos = 0;
        do {
            int n = Math.min(chunk, len - pos);
            if (packetSize != Integer.MAX_VALUE) {
                n = Math.max(0, Math.min(n, packetSize - overhead));
            }
            byte[] d = new byte[overhead + n];
            System.arraycopy(head, 0, d, 0, head.length);
            System.arraycopy(tag, 0, d, head.length, tag.length);
            d[head.length + tag.length] = ':';
            d[head.length + tag.length + 1] = ' ';
            System.arraycopy(message, pos, d, overhead, n);
            target.send(d);
            pos += Math.max(n, 1);
        } while (split && pos < len);
    }

    @Override
    public void close() {
        target.close();
    }

    @Override
    public String toString() {
        return kind + ":" + target + " <" + priority + "> " + new String(tag, StandardCharsets.UTF_8);
    }
}
