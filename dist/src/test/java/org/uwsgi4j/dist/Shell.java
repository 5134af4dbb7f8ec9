package org.uwsgi4j.dist;

import java.io.IOException;
import java.nio.file.Path;

/** Runs one-shot shell commands the way scripts do: {@code bin/uwsgi4j --connect ADDR COMMAND}. */
final class Shell {

    private final Path cwd;
    private final String address;

    /** The shell at {@code address}: the socket path, or {@code HOST:PORT}, as the server logged it. */
    Shell(Path cwd, String address) {
        this.cwd = cwd;
        this.address = address;
    }

    UwsgiProcess.Result run(String command) throws IOException, InterruptedException {
        return UwsgiProcess.run(cwd, "--connect", address, command);
    }
}
