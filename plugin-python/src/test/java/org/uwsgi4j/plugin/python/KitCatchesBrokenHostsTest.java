package org.uwsgi4j.plugin.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.uwsgi4j.workertck.WorkerHostContract;

/**
 * The kit tests itself: the Python host with one duty left out (broken_host.py) fails the kit's
 * case for that duty and still passes another, when the cases run through the JUnit Platform
 * launcher as a new host's would. (The broken hosts are nested classes: Surefire does not run them
 * on their own.)
 */
class KitCatchesBrokenHostsTest {

    /** The Python host started through broken_host.py with {@link #breakage()}. */
    abstract static class BrokenHost extends WorkerHostContract {

        abstract String breakage();

        /** The failures these runs expect show only at a deadline: kept short. */
        @Override
        protected long deadlineMillis() {
            return 5_000;
        }

        @Override
        protected List<String> command(Path dir) throws IOException {
            PythonHost.command(dir);
            Path wrapper = PythonHost.copy("broken_host.py", dir.resolve("broken_host.py"));
            return List.of("/usr/bin/python3", wrapper.toString(), breakage());
        }

        @Override
        protected Map<String, String> fixtureApp(Path dir) throws IOException {
            return PythonHost.fixtureApp(dir);
        }

        @Override
        protected Map<String, String> brokenApp(Path dir) throws IOException {
            return PythonHost.brokenApp(dir);
        }
    }

    static class IgnoresGone extends BrokenHost {
        @Override
        String breakage() {
            return "ignores-gone";
        }
    }

    static class SendsNoExited extends BrokenHost {
        @Override
        String breakage() {
            return "no-exited";
        }
    }

    static class IgnoresTheTolerance extends BrokenHost {
        @Override
        String breakage() {
            return "no-tolerance";
        }
    }

    static class TakesNothingAhead extends BrokenHost {
        @Override
        String breakage() {
            return "no-ahead";
        }
    }

    static class LooksAheadWhileARequestIsInHand extends BrokenHost {
        @Override
        String breakage() {
            return "ahead-in-hand";
        }
    }

    static class PutsTheFifoBeforeTheBuffer extends BrokenHost {
        @Override
        String breakage() {
            return "ahead-first";
        }
    }

    /** Runs the kit's cases {@code methods} against {@code host}: each case's outcome by name. */
    static Map<String, TestExecutionResult.Status> run(Class<? extends BrokenHost> host, String... methods) {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(Arrays.stream(methods).map(m -> selectMethod(host, m)).toList())
                .build();
        Map<String, TestExecutionResult.Status> outcomes = new TreeMap<>();
        LauncherFactory.create().execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                id.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                        .ifPresent(m -> outcomes.put(m.getMethodName(), result.getStatus()));
            }
        });
        return outcomes;
    }

    /** {@code host} fails the kit's case {@code failing} and passes the case {@code passing}. */
    private static void assertFailsOnly(Class<? extends BrokenHost> host, String failing, String passing) {
        assertEquals(Map.of(failing, TestExecutionResult.Status.FAILED, passing, TestExecutionResult.Status.SUCCESSFUL),
                run(host, failing, passing));
    }

    @Test
    void aHostThatIgnoresGoneFailsTheGoneCase() {
        assertFailsOnly(IgnoresGone.class, "goneStopsAnEndlessResponseRunsTheCleanUpAndTheCoreServesOn",
                "aStaleGoneBetweenRequestsIsIgnored");
    }

    @Test
    void aHostThatSendsNoExitedFailsTheExitedCase() {
        assertFailsOnly(SendsNoExited.class, "aKilledWorkerIsExitedWithItsSignal", "anInlineBodyIsReadWholeAndEveryBodyFrameConsumed");
    }

    @Test
    void aHostThatIgnoresTheWriteErrorsToleranceFailsTheWriteErrorsCase() {
        assertFailsOnly(IgnoresTheTolerance.class, "chunksAfterGoneAreWriteErrorsUpToTheTolerance",
                "goneStopsAnEndlessResponseRunsTheCleanUpAndTheCoreServesOn");
    }

    @Test
    void aHostThatNeverReadsItsFifoFailsTheWrittenAheadCase() {
        assertFailsOnly(TakesNothingAhead.class, "aRequestWrittenAheadIsServedAfterTheOneInHand", "offersAnAheadFifoBeforeItsHello");
    }

    @Test
    void aHostThatReadsItsFifoWithARequestInHandFailsTheTakenBackCase() {
        assertFailsOnly(LooksAheadWhileARequestIsInHand.class, "aRequestTakenBackIsNotServedFromTheFifo",
                "offersAnAheadFifoBeforeItsHello");
    }

    @Test
    void aHostThatPutsTheFifoBeforeItsBufferFailsTheStaleGoneCase() {
        assertFailsOnly(PutsTheFifoBeforeTheBuffer.class, "aStaleGoneBufferedBeforeTheFifoIsStillStale",
                "aRequestWrittenAheadIsServedAfterTheOneInHand");
    }
}
