package org.uwsgi4j.plugin.busyness;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.uwsgi4j.kernel.api.CheaperAlgorithm;
import org.uwsgi4j.kernel.api.Options;

/**
 * The {@code busyness} cheaper algorithm ({@code --cheaper-algo busyness}): one {@link Busyness}
 * per worker pool, with the options read once when the component activates. A bad option value
 * refuses the start in one line. While this bundle is gone the kernel falls back to
 * {@code spare}; when it comes back each pool gets a fresh decider (uWSGI's state starts again,
 * its settings lines are logged again).
 */
@Component(immediate = true, property = CheaperAlgorithm.NAME + "=busyness")
public final class BusynessAlgorithm implements CheaperAlgorithm {

    private static final Logger LOG = LoggerFactory.getLogger(BusynessAlgorithm.class);

    /** The configuration; set before {@link #activate}. */
    @Reference
    Options options;

    private BusynessSettings settings;

    /**
     * Reads the options; a method, not a constructor, so that a refusal reaches the kernel as
     * the {@link IllegalArgumentException} it is (docs/plugins.md).
     */
    @Activate
    void activate() {
        settings = BusynessSettings.from(options);
    }

    @Override
    public Decider newDecider() {
        return new Busyness(settings, LOG::info);
    }
}
