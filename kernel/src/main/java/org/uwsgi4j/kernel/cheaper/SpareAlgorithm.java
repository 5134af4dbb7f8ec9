package org.uwsgi4j.kernel.cheaper;

import org.osgi.service.component.annotations.Component;
import org.uwsgi4j.kernel.api.CheaperAlgorithm;

/**
 * uWSGI's default cheaper algorithm, {@code spare}: when every active worker stays busy for
 * more than {@code --cheaper-overload} cycles, spawn up to {@code --cheaper-step} workers; once
 * the overload is gone, stop one idle worker every {@code --cheaper-overload} idle cycles, down
 * to {@code --cheaper}, but leave the pool alone while exactly one worker is spare.
 */
@Component(property = CheaperAlgorithm.NAME + "=spare")
public final class SpareAlgorithm implements CheaperAlgorithm {

    @Override
    public Decider newDecider() {
        return new Spare();
    }

    /** The counters of one pool: cycles spent overloaded and cycles spent idle. */
    static final class Spare implements Decider {

        private long overloaded;
        private long idle;

        @Override
        public int decide(Load load) {
            int patience = Math.max(1, load.overload());
            if (load.idle() <= 0) {
                overloaded++;
                idle = 0;
            } else if (overloaded > 0) {
                overloaded--;
            }
            if (load.canSpawn() && overloaded > patience) {
                overloaded = 0;
                return Math.min(Math.max(1, load.step()), load.cheaped());
            }
            if (overloaded > 0 || load.idle() == 1) {
                return 0; // still recovering from an overload, or stable: exactly one spare worker
            }
            idle++;
            return load.active() > load.cheaper() && idle % patience == 0 ? -1 : 0;
        }
    }
}
