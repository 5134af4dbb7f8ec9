package org.uwsgi4j.kernel.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gogo shell on a TCP address ({@code --shell-socket}), for telnet/netcat and for
 * {@code uwsgi4j --connect}. Line mode: each line is one Gogo command line, its result or
 * error is printed, then the prompt. {@code exit}, {@code quit} and {@code disconnect} close the
 * connection (they never stop the server).
 *
 * <p>One-shot mode: a first line {@code #uwsgi4j-oneshot} (a comment to Gogo) turns the prompt
 * off and makes the server end its output with {@code #exit 0} when every command succeeded,
 * {@code #exit 1} otherwise.
 */
public final class ShellServer implements AutoCloseable {

    static final String ONESHOT = "#uwsgi4j-oneshot";
    private static final String PROMPT = "uwsgi4j> ";
    private static final Set<String> CLOSE_WORDS = Set.of("exit", "quit", "disconnect");
    private static final Logger LOG = LoggerFactory.getLogger(ShellServer.class);

    private final CommandProcessor processor;
    private final ServerSocket server;

    private ShellServer(CommandProcessor processor, ServerSocket server) {
        this.processor = processor;
        this.server = server;
    }

    /** Binds {@code address} and serves connections on virtual threads until closed. */
    public static ShellServer start(CommandProcessor processor, InetSocketAddress address) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(address, 16);
        ShellServer shell = new ShellServer(processor, server);
        Thread.ofVirtual().name("uwsgi4j-shell-accept").start(shell::acceptLoop);
        return shell;
    }

    /** The bound address (the real port when bound to port 0). */
    public InetSocketAddress address() {
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Thread.ofVirtual().name("uwsgi4j-shell-" + client.getPort()).start(() -> serve(client));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("shell: accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void serve(Socket client) {
        try (client; InputStream in = client.getInputStream();
             PrintStream out = new PrintStream(client.getOutputStream(), true, StandardCharsets.UTF_8)) {
            var lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            CommandSession session = processor.createSession(InputStream.nullInputStream(), out, out);
            boolean oneshot = false;
            boolean failed = false;
            String line = lines.readLine();
            if (ONESHOT.equals(line)) {
                oneshot = true;
                line = lines.readLine();
            } else {
                out.print(PROMPT);
            }
            for (; line != null; line = lines.readLine()) {
                String command = line.strip();
                if (CLOSE_WORDS.contains(command)) {
                    break;
                }
                if (!command.isEmpty()) {
                    failed |= !execute(session, command, out);
                }
                if (!oneshot) {
                    out.print(PROMPT);
                }
            }
            if (oneshot) {
                out.println("#exit " + (failed ? 1 : 0));
            }
            session.close();
        } catch (IOException e) {
            LOG.debug("shell: connection ended: {}", e.getMessage());
        }
    }

    /** Runs one command line, prints its result or its error; false when it failed. */
    private static boolean execute(CommandSession session, String command, PrintStream out) {
        try {
            Object result = session.execute(command);
            if (result != null) {
                out.println(session.format(result, Converter.INSPECT));
            }
            return true;
        } catch (Exception e) {
            out.println("gogo: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
