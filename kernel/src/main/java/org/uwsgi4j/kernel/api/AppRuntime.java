package org.uwsgi4j.kernel.api;

import java.io.IOException;

/**
 * A request handler for one modifier1, as uWSGI's request plugins are: the kernel dispatches
 * every request whose modifier1 equals this service's {@link #MODIFIER1} property to it.
 *
 * <p>Register it as an OSGi service with {@link #MODIFIER1} (an Integer 0-255) and
 * {@link #PLUGIN} (the plugin name users write in {@code --plugins}). The kernel tracks these
 * services dynamically: a runtime that appears is used at once, one that goes away makes its
 * modifier answer uWSGI's "unavailable modifier" error.
 */
public interface AppRuntime {

    /** Service property: the modifier1 this runtime serves, an {@code Integer} 0-255. */
    String MODIFIER1 = "uwsgi4j.modifier1";

    /** Service property: the name of the plugin that provides this runtime. */
    String PLUGIN = "uwsgi4j.plugin";

    /**
     * Serves one request. Called on a thread of the kernel's; may block. The response must be
     * started before its body is written; returning ends the response.
     */
    void handle(Request request, Response response) throws IOException;
}
