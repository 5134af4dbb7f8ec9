package org.uwsgi4j.kernel.dispatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.dispatch.DispatchTableTest.Keeper;
import org.uwsgi4j.kernel.protocol.RequestVars;

/**
 * Mounts of several runtimes side by side: slot 0 routes each modifier1 0 request to the pool of
 * its mount (the rule of uWSGI's python plugin, which MountIT checks against the real uWSGI),
 * a non-zero modifier1 keeps its own runtime, and mounts of modifier1 0 alone change nothing.
 */
class MountRouterTest {

    private final DispatchTable table = new DispatchTable();
    private final Keeper python = new Keeper(10);
    private final Keeper psgi = new Keeper(10);
    private final Keeper rack = new Keeper(10);

    private static Mounts mounts(boolean manageScriptName) {
        return new Mounts(List.of(Mount.of("/app=app1.py", "python", 0), Mount.of("/app/p/=app.psgi", "psgi", 5),
                Mount.of("/r=config.ru", "rack", 7), Mount.of("/app/pp=pkg.mod:app", "python", 0)), manageScriptName);
    }

    private static FakeRequest request(int modifier1, String scriptName, String pathInfo) {
        RequestVars vars = new RequestVars();
        vars.add("REQUEST_METHOD", "GET");
        if (scriptName != null) {
            vars.add("SCRIPT_NAME", scriptName);
        }
        vars.add("PATH_INFO", pathInfo);
        return new FakeRequest(modifier1, vars);
    }

    /** Which keeper took {@code request} through slot {@code modifier1}. */
    private Keeper served(FakeRequest request) {
        table.target(request.modifier1()).submit(request);
        for (Keeper k : List.of(python, psgi, rack)) {
            if (k.taken.contains(request)) {
                return k;
            }
        }
        return null;
    }

    private void bindAll() {
        table.bindApp(0, python);
        table.bindApp(5, psgi);
        table.bindApp(7, rack);
    }

    @Test
    void withManageScriptNameTheLongestMountPointOfPathInfoPicksThePool() {
        table.routeMounts(mounts(true));
        bindAll();
        assertSame(psgi, served(request(0, "", "/app/p/x")));
        assertSame(psgi, served(request(0, "", "/app/p")));
        assertSame(python, served(request(0, "", "/app/pp/x")), "a longer python mount beside the psgi one");
        assertSame(python, served(request(0, "", "/app/px")), "not a whole path segment: /app");
        assertSame(rack, served(request(0, "", "/r")));
        assertSame(python, served(request(0, "", "/rx")), "no mount: modifier1 0's runtime, the default app");
        assertSame(python, served(request(0, "", "/")));
    }

    @Test
    void withoutManageScriptNameScriptNamePicksThePool() {
        table.routeMounts(mounts(false));
        bindAll();
        assertSame(python, served(request(0, "", "/app/p/x")), "PATH_INFO alone picks nothing");
        assertSame(psgi, served(request(0, "/app/p", "/x")));
        assertSame(rack, served(request(0, "/r", "")));
        assertSame(python, served(request(0, "/r/x", "")));
        assertSame(python, served(request(0, null, "/r")));
    }

    @Test
    void aNonZeroModifierKeepsItsOwnRuntime() {
        table.routeMounts(mounts(true));
        bindAll();
        assertSame(rack, served(request(7, "", "/app/p/x")));
        assertSame(psgi, served(request(5, "", "/r")));
    }

    @Test
    void aRuntimeBoundBeforeTheRouterMovesBehindItAndUnbindsFromThere() {
        table.bindApp(0, python);
        table.routeMounts(mounts(true));
        table.bindApp(5, psgi);
        assertSame(psgi, served(request(0, "", "/app/p")));
        assertSame(python, served(request(0, "", "/app")));
        table.unbind(0, python);
        assertSame(psgi, served(request(0, "", "/app")),
                "no runtime for modifier1 0: its null object's default app (psgi, the only app left) serves");
        assertTrue(table.bindApp(0, python), "bound again behind the router");
        assertSame(python, served(request(0, "", "/app")));
    }

    @Test
    void aMountOfAnAbsentRuntimeIsAnUnavailableModifier() {
        table.routeMounts(mounts(true));
        table.bindApp(0, python);
        FakeRequest request = request(0, "", "/r/x");
        table.target(0).submit(request);
        assertEquals("unavailable", request.ended.getNow(null));
        assertTrue(rack.taken.isEmpty());
    }

    @Test
    void mountsOfModifierZeroAloneNeedNoRouter() {
        table.bindApp(0, python);
        Target before = table.target(0);
        table.routeMounts(new Mounts(List.of(Mount.of("/a=app1.py", "python", 0), Mount.of("/b=b:app", "python", 0)), true));
        assertSame(before, table.target(0));
        assertSame(python, before);
    }
}
