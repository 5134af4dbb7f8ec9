package org.uwsgi4j.kernel.api;

/**
 * A legion this instance belongs to (uWSGI's Legion subsystem: instances that elect a lord),
 * as the legion plugin will provide it: registered as a service with the property {@link #NAME}.
 * Tasks that run only on the lord ({@code --legion-cron NAME …}) ask it.
 */
@FunctionalInterface
public interface Legion {

    /** Service property: the legion's name, a {@code String}. */
    String NAME = "uwsgi4j.legion";

    /** True while this instance is the legion's lord. */
    boolean lord();
}
