package org.uwsgi4j.kernel.shell;

import org.apache.felix.service.command.Converter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Turns a bundle id or symbolic name typed in the shell into the {@link Bundle} Felix's
 * commands take ({@code stop 13}, {@code uninstall org.uwsgi4j.plugin-cron}). Gogo's own
 * converter lives in the console bundle (gogo.shell), which runs only with {@code --shell}; over
 * {@code --shell-socket} and {@code --connect} these commands could not find their bundle.
 */
@Component(property = Converter.CONVERTER_CLASSES + "=org.osgi.framework.Bundle")
public final class BundleConverter implements Converter {

    private final BundleContext context;

    @Activate
    public BundleConverter(BundleContext context) {
        this.context = context;
    }

    @Override
    public Object convert(Class<?> desired, Object in) {
        if (desired != Bundle.class) {
            return null;
        }
        String s = String.valueOf(in).strip();
        if (s.matches("[0-9]{1,18}")) {
            return context.getBundle(Long.parseLong(s));
        }
        for (Bundle b : context.getBundles()) {
            if (s.equals(b.getSymbolicName()) || s.equals(b.getLocation())) {
                return b;
            }
        }
        return null;
    }

    @Override
    public CharSequence format(Object target, int level, Converter escape) {
        return null;
    }
}
