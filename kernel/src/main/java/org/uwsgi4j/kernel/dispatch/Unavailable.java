package org.uwsgi4j.kernel.dispatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The null object in every empty slot of the {@link DispatchTable}, as uWSGI's
 * {@code unconfigured_hook}: a modifier1 0 request goes to the default app when there is one;
 * any other request is refused with {@code -- unavailable modifier requested: N --} and, on
 * HTTP sockets, a 502 (uwsgi sockets just close).
 */
final class Unavailable implements Target {

    private static final Logger LOG = LoggerFactory.getLogger(Unavailable.class);
    private final int modifier1;
    private final DispatchTable table;

    Unavailable(int modifier1, DispatchTable table) {
        this.modifier1 = modifier1;
        this.table = table;
    }

    @Override
    public void submit(ClientRequest request) {
        Target app = fallback();
        if (app != null) {
            app.submit(request);
        } else {
            refuse(request);
        }
    }

    @Override
    public void awaitTurn(RequestQueue.Lane lane) throws InterruptedException {
        Target app = fallback();
        if (app != null) {
            app.awaitTurn(lane);
        }
    }

    @Override
    public void expire() {
        // the default app's own slot is swept as well
    }

    /** uWSGI's line, then the request ends with its 502. */
    static void refuse(ClientRequest request) {
        LOG.info("-- unavailable modifier requested: {} --", request.modifier1());
        request.unavailable();
    }

    private Target fallback() {
        return modifier1 == 0 ? table.defaultApp() : null;
    }

    @Override
    public int queued() {
        Target app = fallback();
        return app == null ? 0 : app.queued();
    }

    @Override
    public int capacity() {
        Target app = fallback();
        return app == null ? 0 : app.capacity();
    }
}
