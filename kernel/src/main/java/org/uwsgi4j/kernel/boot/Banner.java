package org.uwsgi4j.kernel.boot;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.Strftime;

/** The start-up lines uWSGI users look for at the top of a log. */
final class Banner {

    private static final Logger LOG = LoggerFactory.getLogger(Banner.class);

    private Banner() {
    }

    /**
     * The banner; {@code thunderLock} is {@code --thunder-lock}, which uwsgi4j implies (one
     * accepting thread per socket in the JVM: no thundering herd), reported in uWSGI's words.
     */
    static void log(String version, boolean thunderLock) {
        // ctime(3) as uWSGI's banner (the day of the month space-padded), without the JDK's locale data
        String date = Strftime.ctime(System.currentTimeMillis() / 1000);
        LOG.info("*** Starting uwsgi4j {} (Java {}) on [{}] ***", version, Runtime.version().feature(), date);
        LOG.info("os: {}-{} {}", System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"));
        LOG.info("detected number of CPU cores: {}", Runtime.getRuntime().availableProcessors());
        LOG.info("current working directory: {}", Path.of("").toAbsolutePath());
        LOG.info(thunderLock ? "thunder lock: enabled" : "thunder lock: disabled (you can enable it with --thunder-lock)");
    }
}
