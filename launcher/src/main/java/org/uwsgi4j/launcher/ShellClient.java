package org.uwsgi4j.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code uwsgi4j --connect ADDR [--shell-token-file FILE] [COMMAND [ARGS…]]}: the client of a
 * running instance's {@code --shell-socket}. ADDR is the socket path (the usual form) or
 * {@code HOST:PORT}; a TCP shell wants its token, read from the first line of FILE and sent
 * first as {@code #uwsgi4j-auth TOKEN}.
 *
 * <p>With a COMMAND it runs that one command: it sends the line {@code #uwsgi4j-oneshot} (a
 * comment to Gogo) before it, so the server prints no prompt and ends its output with
 * {@code #exit N}, N being 0 when the command succeeded and 1 when it failed; that line becomes
 * this process's exit code. Without one it is interactive: the terminal's lines go to the shell
 * and its output comes back, until either side ends. Exit 2 means the instance could not be
 * reached or closed the connection without an answer (a refused peer, a wrong token).
 */
final class ShellClient {

    static final String ONESHOT = "#uwsgi4j-oneshot";
    static final String AUTH = "#uwsgi4j-auth ";
    static final String EXIT_PREFIX = "#exit ";
    static final String TOKEN_OPTION = "--shell-token-file";

    private ShellClient() {
    }

    static int run(String[] args) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        if (rest.isEmpty()) {
            System.err.println("usage: uwsgi4j --connect ADDR [" + TOKEN_OPTION + " FILE] [COMMAND [ARGS...]]"
                    + "   e.g. uwsgi4j --connect /run/uwsgi4j/shell.sock uwsgi:plugins");
            return 2;
        }
        String address = rest.removeFirst();
        String token = null;
        if (!rest.isEmpty() && rest.getFirst().equals(TOKEN_OPTION)) {
            rest.removeFirst();
            if (rest.isEmpty()) {
                System.err.println("uwsgi4j: " + TOKEN_OPTION + " needs a file");
                return 2;
            }
            Path file = Path.of(rest.removeFirst());
            try {
                token = Files.readAllLines(file).stream().findFirst().orElse("").strip();
            } catch (IOException e) {
                System.err.println("uwsgi4j: " + TOKEN_OPTION + " " + file + ": cannot read it: " + e.getMessage());
                return 2;
            }
        }
        try (SocketChannel channel = ConnectAndRead.connect(address)) {
            OutputStream out = Channels.newOutputStream(channel);
            if (token != null) {
                out.write((AUTH + token + "\n").getBytes(StandardCharsets.UTF_8));
            }
            InputStream in = Channels.newInputStream(channel);
            return rest.isEmpty() ? interactive(channel, out, in) : oneShot(address, channel, out, in, String.join(" ", rest));
        } catch (IOException | IllegalArgumentException e) {
            System.err.println("uwsgi4j: cannot reach the shell at " + address + ": " + e.getMessage());
            return 2;
        }
    }

    private static int oneShot(String address, SocketChannel channel, OutputStream out, InputStream in, String command)
            throws IOException {
        out.write((ONESHOT + "\n" + command + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        channel.shutdownOutput();
        var lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        Integer code = null;
        for (String line; (line = lines.readLine()) != null; ) {
            if (line.startsWith(EXIT_PREFIX)) {
                code = Integer.parseInt(line.substring(EXIT_PREFIX.length()).strip());
            } else {
                System.out.println(line);
            }
        }
        if (code == null) {
            System.err.println("uwsgi4j: the shell at " + address + " closed the connection without an answer"
                    + " (refused: see the server's log)");
            return 2;
        }
        return code;
    }

    /** Copies the terminal to the shell on a thread of its own, and the shell to stdout until it closes. */
    private static int interactive(SocketChannel channel, OutputStream out, InputStream in) throws IOException {
        Thread.ofPlatform().daemon().name("uwsgi4j-connect-stdin").start(() -> {
            try {
                System.in.transferTo(out);
                channel.shutdownOutput();
            } catch (IOException e) {
                // the shell closed first
            }
        });
        in.transferTo(System.out);
        System.out.flush();
        return 0;
    }
}
