package org.uwsgi4j.plugin.alarm;

import org.osgi.service.component.annotations.Component;
import org.uwsgi4j.plugin.alarm.api.AlarmAction;

/** {@code mule:[ID]}: refused at start with one line, since uwsgi4j has no mules (yet). */
@Component(property = AlarmAction.TYPE + "=mule")
public final class MuleAction implements AlarmAction {

    @Override
    public Raise prepare(String name, String args) {
        throw new IllegalArgumentException("mule alarms need mules, which uwsgi4j does not have");
    }
}
