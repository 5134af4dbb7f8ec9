package org.uwsgi4j.plugin.logencoder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneId;
import org.uwsgi4j.kernel.api.Strftime;

/**
 * uWSGI's {@code file:PATH} logger, or {@code file:logfile=PATH,maxsize=BYTES,backupname=NAME}
 * with rotation (as {@code --log-maxsize} rotates {@code --logto}), and {@code fd:N} (an
 * inherited descriptor, through {@code /proc/self/fd/N}). Appended to, created with mode 0640.
 * Messages are gathered and written once per batch.
 */
final class FileOutput implements Output {

    private final String label;
    private final Path path;
    private final long maxSize;
    private final String backupName;
    private final Clock clock;
    private final ZoneId zone;
    private FileChannel channel;
    private long size;
    private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream(8192);

    private FileOutput(String label, Path path, long maxSize, String backupName, Clock clock, ZoneId zone) throws IOException {
        this.label = label;
        this.path = path;
        this.maxSize = maxSize;
        this.backupName = backupName;
        this.clock = clock;
        this.zone = zone;
        this.channel = open(path, false);
        this.size = channel.size();
    }

    /** {@code file:} with its argument. */
    static FileOutput file(String args, Clock clock, ZoneId zone) {
        if (args == null || args.isEmpty()) {
            throw new IllegalArgumentException("file: needs a path (file:PATH or file:logfile=PATH,maxsize=BYTES,backupname=NAME)");
        }
        String logfile = args;
        long maxSize = 0;
        String backup = null;
        if (args.contains("=")) {
            logfile = null;
            for (String kv : args.split(",")) {
                int eq = kv.indexOf('=');
                String key = eq < 0 ? kv : kv.substring(0, eq);
                String value = eq < 0 ? "" : kv.substring(eq + 1);
                switch (key) {
                    case "logfile" -> logfile = value;
                    case "backupname" -> backup = value;
                    case "maxsize" -> {
                        try {
                            maxSize = Long.parseLong(value);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("maxsize '" + value + "' is not a number");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown key " + key + " (logfile, maxsize, backupname)");
                }
            }
            if (logfile == null || logfile.isEmpty()) {
                throw new IllegalArgumentException("missing logfile key");
            }
        }
        return open("file:" + logfile, Path.of(logfile), maxSize, backup, clock, zone);
    }

    /** {@code fd:N}. */
    static FileOutput fd(String args, Clock clock, ZoneId zone) {
        try {
            int fd = Integer.parseInt(args == null ? "" : args.strip());
            return open("fd:" + fd, Path.of("/proc/self/fd/" + fd), 0, null, clock, zone);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fd: needs a descriptor number (fd:N)");
        }
    }

    private static FileOutput open(String label, Path path, long maxSize, String backup, Clock clock, ZoneId zone) {
        try {
            return new FileOutput(label, path, maxSize, backup, clock, zone);
        } catch (IOException e) {
            String why = e instanceof NoSuchFileException ? "No such file or directory"
                    : e instanceof AccessDeniedException ? "Permission denied" : e.getMessage();
            throw new IllegalArgumentException("open(\"" + path + "\"): " + why);
        }
    }

    private static FileChannel open(Path path, boolean truncate) throws IOException {
        var options = truncate
                ? java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)
                : java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        try {
            return FileChannel.open(path, options, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
        } catch (UnsupportedOperationException notPosix) {
            return FileChannel.open(path, options);
        }
    }

    @Override
    public void write(byte[] message) throws IOException {
        pending.write(message);
        if (maxSize > 0 && size + pending.size() > maxSize) {
            flush();
            rotate();
        } else if (pending.size() >= 64 * 1024) {
            flush();
        }
    }

    @Override
    public void flush() throws IOException {
        if (pending.size() == 0) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(pending.toByteArray());
        pending.reset();
        while (b.hasRemaining()) {
            size += channel.write(b);
        }
    }

    private void rotate() throws IOException {
        long now = clock.instant().getEpochSecond();
        Path rotated = backupName != null ? Path.of(backupName) : Path.of(path + "." + now);
        String line = Strftime.CTIME.format(now, zone) + " - logsize: " + size + ", triggering rotation to " + rotated + "...\n";
        channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
        Files.move(path, rotated, StandardCopyOption.REPLACE_EXISTING);
        FileChannel fresh = open(path, true);
        channel.close();
        channel = fresh;
        size = 0;
    }

    @Override
    public void close() {
        try {
            flush();
            channel.close();
        } catch (IOException e) {
            // the file is gone: nothing left to write to
        }
    }

    @Override
    public String toString() {
        return label + (maxSize > 0 ? " (rotated at " + maxSize + " bytes)" : "");
    }
}
