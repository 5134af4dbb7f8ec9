package org.uwsgi4j.kernel.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneId;
import java.util.Set;
import org.uwsgi4j.kernel.api.Strftime;

/**
 * The {@code --logto FILE} output: appended to (or truncated at start with
 * {@code --log-truncate}), created with mode 0640, rotated at {@code --log-maxsize} bytes to
 * {@code --log-backupname} (or {@code FILE.<unix time>}) or on demand ({@code --touch-logrotate}),
 * and reopened on demand, with uWSGI's
 * lines:
 *
 * <pre>
 *  Sun Dec  6 16:35:21 2026 - logsize: 1048601, triggering rotation to /var/log/app.log.1796574921...   (last line of the old file)
 *  [1796574921] logsize: 2040, triggering log-reopen...                                              (--touch-logreopen)
 *  [1796574921] /var/log/app.log reopened.
 * </pre>
 *
 * The size is counted from the file's size at open plus every byte written, as uWSGI reads its
 * file offset. Methods are synchronized: the log's lock and a threaded logger may both call.
 */
final class LogFile implements LogOutput {

    private static final Set<OpenOption> APPEND = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    private static final Set<OpenOption> TRUNCATE = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);

    private final Path path;
    private final long maxSize;
    private final String backupName;
    private final Clock clock;
    private final PerSecond ctime;
    private FileChannel channel;
    private long size;

    private LogFile(Path path, FileChannel channel, long maxSize, String backupName, Clock clock, ZoneId zone) throws IOException {
        this.path = path;
        this.channel = channel;
        this.size = channel.size();
        this.maxSize = maxSize;
        this.backupName = backupName;
        this.clock = clock;
        this.ctime = new PerSecond(Strftime.CTIME, zone);
    }

    /**
     * Opens {@code path} for the log.
     *
     * @param maxSize    {@code --log-maxsize}: rotate once the file is larger (0: never)
     * @param backupName {@code --log-backupname}: the rotated file's name, or null for {@code FILE.<unix time>}
     * @throws LogSetupException with uWSGI's one line ({@code open("FILE"): No such file or directory})
     */
    static LogFile open(Path path, boolean truncate, long maxSize, String backupName, Clock clock, ZoneId zone) throws LogSetupException {
        try {
            return new LogFile(path, openChannel(path, truncate), maxSize, backupName, clock, zone);
        } catch (IOException e) {
            throw new LogSetupException("open(\"" + path + "\"): " + reason(e));
        }
    }

    /** Opens {@code file} as uWSGI does: appended to (or truncated), created with mode 0640. */
    static FileChannel openChannel(Path file, boolean truncate) throws IOException {
        Set<OpenOption> open = truncate ? TRUNCATE : APPEND;
        try {
            return FileChannel.open(file, open, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r-----")));
        } catch (UnsupportedOperationException notPosix) {
            return FileChannel.open(file, open);
        }
    }

    /** uWSGI's words for why {@code open(2)} failed. */
    static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage();
    }

    @Override
    public synchronized void write(byte[] line) throws IOException {
        writeRaw(line);
        if (maxSize > 0 && size > maxSize) {
            rotateNow();
        }
    }

    private void writeRaw(byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            size += channel.write(b);
        }
    }

    /** The current file's size as counted. */
    synchronized long size() {
        return size;
    }

    @Override
    public synchronized void rotate() {
        try {
            rotateNow();
        } catch (IOException e) {
            // the fresh file could not be made: the old one stays the log, the line says why
            try {
                writeRaw(utf8("open(\"" + path + "\"): " + reason(e) + "\n"));
            } catch (IOException ignored) {
                // nowhere left to say it
            }
        }
    }

    private void rotateNow() throws IOException {
        long now = clock.instant().getEpochSecond();
        Path rotated = backupName != null ? Path.of(backupName) : Path.of(path + "." + now);
        writeRaw(utf8(ctime.format(now) + " - logsize: " + size + ", triggering rotation to " + rotated + "...\n"));
        try {
            Files.move(path, rotated, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            writeRaw(utf8("unable to rotate log: rename(): " + reason(e) + "\n"));
            return;
        }
        FileChannel fresh = openChannel(path, true);
        channel.close();
        channel = fresh;
        size = 0;
    }

    @Override
    public synchronized void reopen() {
        long now = clock.instant().getEpochSecond();
        try {
            writeRaw(utf8("[" + now + "] logsize: " + size + ", triggering log-reopen...\n"));
        } catch (IOException e) {
            // the old file is gone or full: the new one will say it was reopened
        }
        try {
            FileChannel fresh = openChannel(path, false);
            try {
                channel.close();
            } catch (IOException e) {
                // nothing to do about the old descriptor
            }
            channel = fresh;
            size = fresh.size();
            writeRaw(utf8("[" + now + "] " + path + " reopened.\n"));
        } catch (IOException e) {
            // keep writing to the old file; the line goes there
            try {
                writeRaw(utf8("open(\"" + path + "\"): " + reason(e) + "\n"));
            } catch (IOException ignored) {
                // nowhere left to say it
            }
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "file:" + path + (maxSize > 0 ? " (rotated at " + maxSize + " bytes)" : "");
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
