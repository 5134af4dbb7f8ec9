package org.uwsgi4j.plugin.cron;

import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.uwsgi4j.kernel.api.WorkerCall;

/**
 * The call {@code add_cron NUM MINUTE HOUR DAY MONTH WEEKDAY} (an application's
 * {@code uwsgi.add_cron}, uwsgidecorators' {@code @cron}): raise signal NUM on that schedule.
 */
@Component(property = WorkerCall.NAME + "=add_cron")
public final class AddCronCall implements WorkerCall {

    private final CronService cron;

    @Activate
    public AddCronCall(@Reference CronService cron) {
        this.cron = cron;
    }

    @Override
    public List<String> call(List<String> args) {
        if (args.size() != 6) {
            throw new IllegalArgumentException("add_cron: expected a signal and five fields, got " + args);
        }
        int[] n = new int[6];
        for (int i = 0; i < 6; i++) {
            n[i] = Integer.parseInt(args.get(i).strip());
        }
        if (n[0] < 0 || n[0] > 255) {
            throw new IllegalArgumentException("signal " + n[0] + " out of range (0-255)");
        }
        cron.addSignal(n[0], new CronSchedule(n[1], n[2], n[3], n[4], n[5]));
        return List.of();
    }
}
