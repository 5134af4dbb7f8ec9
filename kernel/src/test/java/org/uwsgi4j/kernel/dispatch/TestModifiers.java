package org.uwsgi4j.kernel.dispatch;

import java.util.Map;
import org.uwsgi4j.kernel.api.AppRuntime;

/** A {@link Modifiers} table filled by hand, for tests outside this package (DS fills it in the server). */
public final class TestModifiers {

    private TestModifiers() {
    }

    /** A table with {@code runtime} in slot {@code modifier1}. */
    public static Modifiers with(int modifier1, AppRuntime runtime) {
        Modifiers modifiers = new Modifiers(new DispatchTable());
        modifiers.bindRuntime(runtime, Map.of(AppRuntime.MODIFIER1, modifier1, AppRuntime.PLUGIN, "test"));
        return modifiers;
    }
}
