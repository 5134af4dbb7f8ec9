package org.uwsgi4j.kernel.shell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gogo shell on a socket ({@code --shell-socket}), for {@code uwsgi4j --connect}, {@code nc}
 * or telnet. Line mode: each line is one Gogo command line, its result or error is printed,
 * then the prompt. {@code exit}, {@code quit} and {@code disconnect} close the connection
 * (they never stop the server).
 *
 * <pre>
 *  accept ─▶ gate: Unix socket ─ the peer's uid (SO_PEERCRED) is root or the server's user?
 *                  TCP         ─ the first line is "#uwsgi4j-auth TOKEN" with the right token?
 *              │ no: one log line, the connection is closed, nothing was read as a command
 *              ▼ yes
 *           "#uwsgi4j-oneshot"? ─▶ no prompt, output ends with "#exit N"
 *              ▼
 *           command lines until EOF or exit/quit/disconnect
 * </pre>
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

    private final ServerSocketChannel server;
    private final ShellGate gate;
    private final Path unixPath;

    private ShellServer(ServerSocketChannel server, ShellGate gate, Path unixPath) {
        this.server = server;
        this.gate = gate;
        this.unixPath = unixPath;
    }

    /**
     * Binds the Unix socket {@code path} (a stale socket file there is replaced) with mode 0600;
     * only peers running as root or as {@code serverUid} get past the gate.
     */
    public static ShellServer bindUnix(Path path, int serverUid) throws IOException {
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(path);
        }
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(path), 16);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new ShellServer(channel, new PeerCredentials(serverUid), path);
    }

    /** Binds the TCP {@code address}; only clients that send {@code token} first get past the gate. */
    public static ShellServer bindTcp(InetSocketAddress address, String token) throws IOException {
        ServerSocketChannel channel = ServerSocketChannel.open(address.getAddress() instanceof Inet6Address
                ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.bind(address, 16);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new ShellServer(channel, new TokenGate(token), null);
    }

    /**
     * Starts serving connections on virtual threads, each with a session of {@code processor},
     * until closed; {@code afterCommand} runs after each command and session (Gogo puts its own
     * {@code System.err} back at each command, and the log takes it again there).
     */
    public void serve(CommandProcessor processor, Runnable afterCommand) {
        Thread.ofVirtual().name("uwsgi4j-shell-accept").start(() -> acceptLoop(processor, afterCommand));
    }

    /** The bound address as the log names it: the socket path, or {@code HOST:PORT} with the real port. */
    public String name() throws IOException {
        SocketAddress local = server.getLocalAddress();
        if (local instanceof InetSocketAddress inet) {
            return inet.getAddress().getHostAddress() + ":" + inet.getPort();
        }
        return unixPath.toString();
    }

    private void acceptLoop(CommandProcessor processor, Runnable afterCommand) {
        while (server.isOpen()) {
            try {
                SocketChannel client = server.accept();
                Thread.ofVirtual().name("uwsgi4j-shell-client").start(() -> serve(processor, client, afterCommand));
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                if (server.isOpen()) {
                    LOG.warn("shell: accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void serve(CommandProcessor processor, SocketChannel client, Runnable afterCommand) {
        try (client; InputStream in = Channels.newInputStream(client); OutputStream raw = Channels.newOutputStream(client);
             PrintStream out = new PrintStream(raw, true, StandardCharsets.UTF_8)) {
            var lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            if (!gate.admits(client, lines)) {
                return;
            }
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
                    afterCommand.run();
                }
                if (!oneshot) {
                    out.print(PROMPT);
                }
            }
            if (oneshot) {
                out.println("#exit " + (failed ? 1 : 0));
            }
            session.close();
            afterCommand.run();
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

    /** Stops accepting; the socket file of a Unix shell is removed. */
    @Override
    public void close() throws IOException {
        server.close();
        if (unixPath != null) {
            try {
                Files.deleteIfExists(unixPath);
            } catch (IOException e) {
                LOG.debug("shell: cannot remove {}: {}", unixPath, e.getMessage());
            }
        }
    }
}
