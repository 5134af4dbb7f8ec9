package org.uwsgi4j.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * {@code uwsgi4j --connect HOST:PORT COMMAND [ARGS…]}: runs one Gogo command against a running
 * instance's {@code --shell-socket} and prints its output.
 *
 * <p>It sends the line {@code #uwsgi4j-oneshot} (a comment to Gogo) before the command, so
 * the server prints no prompt and ends its output with {@code #exit N}, N being 0 when the
 * command succeeded and 1 when it failed; that line becomes this process's exit code.
 * Exit 2 means the instance could not be reached.
 */
final class ShellClient {

    static final String ONESHOT = "#uwsgi4j-oneshot";
    static final String EXIT_PREFIX = "#exit ";

    private ShellClient() {
    }

    static int run(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: uwsgi4j --connect HOST:PORT COMMAND [ARGS...]   e.g. uwsgi4j --connect 127.0.0.1:5000 uwsgi:plugins");
            return 2;
        }
        int colon = args[0].lastIndexOf(':');
        if (colon < 0) {
            System.err.println("uwsgi4j: --connect needs HOST:PORT, got " + args[0]);
            return 2;
        }
        String host = colon == 0 ? "127.0.0.1" : args[0].substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(args[0].substring(colon + 1));
        } catch (NumberFormatException e) {
            System.err.println("uwsgi4j: --connect: invalid port in " + args[0]);
            return 2;
        }
        String command = String.join(" ", java.util.Arrays.copyOfRange(args, 1, args.length));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5_000);
            OutputStream out = socket.getOutputStream();
            out.write((ONESHOT + "\n" + command + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.shutdownOutput();
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            int code = 1;
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith(EXIT_PREFIX)) {
                    code = Integer.parseInt(line.substring(EXIT_PREFIX.length()).strip());
                } else {
                    System.out.println(line);
                }
            }
            return code;
        } catch (IOException e) {
            System.err.println("uwsgi4j: cannot reach the shell at " + args[0] + ": " + e.getMessage());
            return 2;
        }
    }
}
