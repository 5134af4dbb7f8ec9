package org.uwsgi4j.dist;

import java.io.IOException;
import java.nio.file.Path;

/** Runs one-shot shell commands the way scripts do: {@code bin/uwsgi4j --connect ADDR COMMAND}. */
final class Shell {

    private final Path cwd;
    private final int port;

    Shell(Path cwd, int port) {
        this.cwd = cwd;
        this.port = port;
    }

    UwsgiProcess.Result run(String command) throws IOException, InterruptedException {
        return UwsgiProcess.run(cwd, "--connect", "127.0.0.1:" + port, command);
    }
}
