package org.uwsgi4j.plugin.alarm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.uwsgi4j.kernel.api.UnwatchedLog;
import org.uwsgi4j.plugin.alarm.api.AlarmAction;

/**
 * {@code cmd:COMMAND}: runs {@code /bin/sh -c COMMAND} with the message on its standard input
 * (as written, no newline added; then end of file), as uWSGI's {@code uwsgi_run_command}. Its
 * standard output and error go to the server log line by line, through the unwatched log (they
 * never raise alarms). The alarm's thread waits for it to exit, so one alarm runs one command at
 * a time; an exit status other than 0 is the action failing (one line).
 */
@Component(property = AlarmAction.TYPE + "=cmd")
public final class CmdAction implements AlarmAction {

    private final UnwatchedLog log;

    @Activate
    public CmdAction(@Reference UnwatchedLog log) {
        this.log = log;
    }

    @Override
    public Raise prepare(String name, String args) {
        if (args.isBlank()) {
            throw new IllegalArgumentException("cmd alarm: no command");
        }
        return message -> run(args, message);
    }

    private void run(String command, String message) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
        try {
            try (OutputStream in = p.getOutputStream()) {
                in.write(message.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the command does not read its input: fine
            }
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    log.server(line);
                }
            }
            int status = p.waitFor();
            if (status != 0) {
                throw new IOException("command \"" + command + "\" (pid " + p.pid() + ") exited with status " + status);
            }
        } finally {
            if (p.isAlive() && Thread.currentThread().isInterrupted()) {
                p.destroyForcibly();
            }
        }
    }
}
