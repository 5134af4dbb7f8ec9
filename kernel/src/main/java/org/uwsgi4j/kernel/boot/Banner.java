package org.uwsgi4j.kernel.boot;

import java.nio.file.Path;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The start-up lines uWSGI users look for at the top of a log. */
final class Banner {

    private static final Logger LOG = LoggerFactory.getLogger(Banner.class);

    private Banner() {
    }

    static void log(String version) {
        String date = new SimpleDateFormat("EEE MMM d HH:mm:ss yyyy", Locale.ROOT).format(new Date());
        LOG.info("*** Starting uwsgi4j {} (Java {}) on [{}] ***", version, Runtime.version().feature(), date);
        LOG.info("os: {}-{} {}", System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"));
        LOG.info("detected number of CPU cores: {}", Runtime.getRuntime().availableProcessors());
        LOG.info("current working directory: {}", Path.of("").toAbsolutePath());
    }
}
