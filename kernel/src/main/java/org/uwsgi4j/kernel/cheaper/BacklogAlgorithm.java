package org.uwsgi4j.kernel.cheaper;

import org.osgi.service.component.annotations.Component;
import org.uwsgi4j.kernel.api.CheaperAlgorithm;

/**
 * uWSGI's {@code backlog} cheaper algorithm: more than {@code --cheaper-overload} requests
 * waiting for a free worker spawns up to {@code --cheaper-step} workers; fewer than that
 * stops one worker per cycle, down to {@code --cheaper}. Here the backlog is the pool's own
 * queue of accepted requests (uWSGI reads the kernel's listen queue).
 */
@Component(property = CheaperAlgorithm.NAME + "=backlog")
public final class BacklogAlgorithm implements CheaperAlgorithm {

    @Override
    public Decider newDecider() {
        return load -> {
            if (load.canSpawn() && load.backlog() > load.overload()) {
                return Math.min(Math.max(1, load.step()), load.cheaped());
            }
            return load.backlog() < load.overload() && load.active() > load.cheaper() ? -1 : 0;
        };
    }
}
