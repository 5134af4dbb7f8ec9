package org.uwsgi4j.plugin.logencoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.api.LogLine;
import org.uwsgi4j.kernel.api.LogSubscriber.Stream;

class LoggerSinkTest {

    private static LogLine line(Stream stream, String text) {
        return new LogLine(stream, text, (text + "\n").getBytes(StandardCharsets.UTF_8), 1_000_000);
    }

    private static final Output NOWHERE = new Output() {
        @Override
        public void write(byte[] message) {
        }

        @Override
        public void close() {
        }
    };

    @Test
    void routedLinesGoToTheirNamedLoggerOnlyAndTheRestToTheUnnamedOnes() {
        var routes = new Routes(List.of(Routes.parse("log-route", "errors (?i)error|traceback")));
        var encoders = List.of(EncoderSpec.parse("log-encoder", "prefix ALL ", ZoneOffset.UTC),
                EncoderSpec.parse("log-encoder", "prefix:errors ERR ", ZoneOffset.UTC));
        var errors = new LoggerSink(LoggerSpec.parse("logger", "errors file:/tmp/e"), NOWHERE, routes, Chain.of(encoders, "errors"), null, null);
        var main = new LoggerSink(LoggerSpec.parse("logger", "file:/tmp/m"), NOWHERE, routes, Chain.of(encoders, null), null, null);

        LogLine bad = line(Stream.SERVER, "an ERROR here");
        assertEquals("ERR ALL an ERROR here\n", new String(errors.encode(bad), StandardCharsets.UTF_8));
        assertNull(main.encode(bad));

        LogLine fine = line(Stream.SERVER, "all is well");
        assertNull(errors.encode(fine));
        assertEquals("ALL all is well\n", new String(main.encode(fine), StandardCharsets.UTF_8));
        assertNull(main.encode(line(Stream.REQUEST, "GET /")), "a server logger given no request chain takes no request line");
    }

    @Test
    void loggerSpecsSplitAsUwsgiDoes() {
        assertEquals(new LoggerSpec("logger", "errors file:/x:y", "errors", "file", "/x:y"), LoggerSpec.parse("logger", "errors file:/x:y"));
        assertEquals(new LoggerSpec("logger", "syslog", null, "syslog", null), LoggerSpec.parse("logger", "syslog"));
        assertEquals(new LoggerSpec("logger", "rsyslog:h:514,app,30", null, "rsyslog", "h:514,app,30"),
                LoggerSpec.parse("logger", "rsyslog:h:514,app,30"));
    }

    @Test
    void rsyslogSendsRfc3164DatagramsWithItsPriorityAndCutsLongMessages() throws Exception {
        try (DatagramChannel server = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
            Clock clock = Clock.fixed(Instant.parse("2026-12-06T16:35:21Z"), ZoneOffset.UTC);
            try (var out = SyslogOutput.rsyslog("127.0.0.1:" + port + ",myhost app,30", "h", 100, false, clock, ZoneOffset.UTC)) {
                out.write("hello syslog\n".getBytes(StandardCharsets.UTF_8));
                out.write(("x".repeat(300) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            assertEquals("<30>Dec  6 16:35:21 myhost app: hello syslog", receive(server));
            String cut = receive(server);
            assertEquals(100, cut.length());
            assertEquals("<30>Dec  6 16:35:21 myhost app: " + "x".repeat(100 - 32), cut);
        }
    }

    /** What --rsyslog-packet-size 100 --rsyslog-split-messages give the rsyslog logger: a long message in several datagrams. */
    @Test
    void rsyslogSplitMessagesSendsALongMessageInDatagramsOfThePacketSize() throws Exception {
        try (var server = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            Clock clock = Clock.fixed(Instant.parse("2026-12-06T16:35:21Z"), ZoneOffset.UTC);
            try (var out = SyslogOutput.rsyslog("127.0.0.1:" + server.getLocalPort() + ",myhost app,30", "h", 100, true, clock, ZoneOffset.UTC)) {
                out.write(("x".repeat(250) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            StringBuilder payload = new StringBuilder();
            int datagrams = 0;
            while (payload.length() < 250) {
                var packet = new java.net.DatagramPacket(new byte[2048], 2048);
                server.receive(packet);
                String d = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
                assertTrue(d.length() <= 100 && d.startsWith("<30>Dec  6 16:35:21 myhost app: "), d);
                payload.append(d.substring("<30>Dec  6 16:35:21 myhost app: ".length()));
                datagrams++;
            }
            assertEquals("x".repeat(250), payload.toString());
            assertTrue(datagrams >= 4, "at most 68 bytes of message per 100-byte datagram: " + datagrams);
        }
    }

    private static String receive(DatagramChannel server) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(2048);
        server.receive(b);
        b.flip();
        return StandardCharsets.UTF_8.decode(b).toString();
    }
}
