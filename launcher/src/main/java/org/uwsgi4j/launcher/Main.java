package org.uwsgi4j.launcher;

import java.util.Arrays;

/**
 * The {@code uwsgi4j} command. With {@code --connect ADDR COMMAND…} it runs one shell command
 * against a running instance and exits (without a command it is an interactive session,
 * {@link ShellClient}); with {@code --connect-and-read ADDR} it prints what a socket sends (a
 * tracebacker, the stats server) and exits; otherwise it starts Felix with the kernel, hands it
 * the command line, and exits with the kernel's exit code. A daemon started by {@code
 * --daemonize} first leaves its parent's session ({@link DaemonSession}).
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--connect")) {
            System.exit(ShellClient.run(Arrays.copyOfRange(args, 1, args.length)));
        }
        if (ConnectAndRead.wanted(args)) {
            System.exit(ConnectAndRead.run(args));
        }
        DaemonSession.enterIfDaemon(System.getenv());
        long startNanos = System.nanoTime();
        Distribution dist = Distribution.locate();
        System.exit(new FelixBoot(dist, args, startNanos).run());
    }
}
