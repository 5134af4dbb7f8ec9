package org.uwsgi4j.kernel.os;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.osgi.service.component.annotations.Component;
import org.uwsgi4j.kernel.api.WallClock;

/**
 * The system's wall clock as the {@link WallClock} service, at the lowest ranking, so that a
 * bundle's clock of a higher ranking replaces it (docs/plugins/cron.md, "Time"). Waits at
 * most a second at a time: a jump of the system clock is seen within a second.
 */
@Component(property = "service.ranking:Integer=-1000")
public final class SystemWallClock implements WallClock {

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public ZoneId zone() {
        return ZoneId.systemDefault();
    }

    @Override
    public void sleepUntil(Instant deadline) throws InterruptedException {
        long millis = Duration.between(Instant.now(), deadline).toMillis();
        if (millis > 0) {
            Thread.sleep(Math.min(millis, 1000));
        }
    }
}
