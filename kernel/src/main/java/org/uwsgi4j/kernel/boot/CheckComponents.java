package org.uwsgi4j.kernel.boot;

import java.util.Map;
import java.util.Optional;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Ends the start-up when a component of a plugin started with the server failed to activate:
 * its {@code activate} threw (a plugin refuses a value it was given by throwing
 * {@link IllegalArgumentException}, docs/plugins.md). One line, exit code 1, as uWSGI does for a
 * bad option value; Declarative Services' own line (the component's name and the exception,
 * through the kernel's OSGi logger) comes just before it.
 *
 * <p>Runs twice. First right after the plugins started ({@link StartPlugins}, {@link ReleaseLog}):
 * a component that needs only what is published by then (the options above all) has been
 * activated (SCR activates it on the registering thread), so its refusal ends the start before
 * any socket is bound and any worker is spawned, as uWSGI checks its options first. Then after
 * {@link PublishMaster}: by then every service the kernel offers its plugins is registered, so
 * the components that wait for the others have been activated too and the worker runtimes were
 * asked for their hosts. A plugin dropped in later that fails is only logged; the server goes on.
 */
final class CheckComponents implements BootStep {

    @Override
    public boolean run(Boot boot) throws StartupException {
        ServiceReference<ServiceComponentRuntime> reference = boot.context.getServiceReference(ServiceComponentRuntime.class);
        ServiceComponentRuntime scr = reference == null ? null : boot.context.getService(reference);
        if (scr == null) {
            return true; // no Declarative Services: no component could have failed
        }
        try {
            for (Map.Entry<Bundle, String> plugin : boot.plugins.entrySet()) {
                Optional<String> failure = firstFailure(scr, plugin.getKey());
                if (failure.isPresent()) {
                    throw new StartupException("!!! UNABLE to start uWSGI plugin " + plugin.getValue() + ": " + failure.get() + " !!!");
                }
            }
            return true;
        } finally {
            boot.context.ungetService(reference);
        }
    }

    private static Optional<String> firstFailure(ServiceComponentRuntime scr, Bundle bundle) {
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs(bundle)) {
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                if (configuration.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                    return Optional.of(reason(configuration.failure));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The one-line reason in a DTO's {@code failure} (the stack trace of what {@code activate}
     * threw): a refusal's message alone; for any other exception, its first line (class and
     * message: a fault of the plugin, whose stack trace is in the log).
     */
    static String reason(String failure) {
        if (failure == null || failure.isBlank()) {
            return "a component failed to activate";
        }
        String first = failure.strip().lines().findFirst().orElse("").strip();
        String refusal = IllegalArgumentException.class.getName() + ": ";
        return first.startsWith(refusal) ? first.substring(refusal.length()) : first;
    }
}
