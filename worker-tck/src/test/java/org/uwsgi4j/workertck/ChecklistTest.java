package org.uwsgi4j.workertck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The kit and docs/worker-protocol.md's checklist name the same cases: every case of
 * {@link WorkerHostContract} is named by a checklist step ("Kit: …"), and every name there is a case.
 */
class ChecklistTest {

    @Test
    void everyKitCaseIsAChecklistStepAndEveryStepsCaseExists() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "worker-protocol.md"));
        Set<String> named = new TreeSet<>();
        Matcher kit = Pattern.compile("\\*Kit: (.*?)\\*", Pattern.DOTALL).matcher(doc);
        while (kit.find()) {
            Matcher name = Pattern.compile("`(\\w+)`").matcher(kit.group(1));
            while (name.find()) {
                named.add(name.group(1));
            }
        }
        Set<String> cases = new TreeSet<>();
        for (Method m : WorkerHostContract.class.getDeclaredMethods()) {
            if (m.isAnnotationPresent(Test.class)) {
                cases.add(m.getName());
            }
        }
        assertEquals(cases, named, "the kit's cases, and the cases docs/worker-protocol.md's checklist names");
        assertFalse(cases.isEmpty(), "the kit has cases");
    }
}
