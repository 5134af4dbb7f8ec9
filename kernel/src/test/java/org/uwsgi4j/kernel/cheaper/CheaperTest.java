package org.uwsgi4j.kernel.cheaper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uwsgi4j.kernel.api.CheaperAlgorithm;
import org.uwsgi4j.kernel.api.CheaperAlgorithm.Load;
import org.uwsgi4j.kernel.log.TestOptions;

/** Cheaper settings from uWSGI's options, and how a pool's cheaper picks and clamps its algorithm. */
class CheaperTest {

    private static final Load LOAD = new Load(4, 1, 1, 3, 2, 2, 2, 0, 0, true);

    @Test
    void settingsFollowUwsgiDefaults() {
        assertFalse(CheaperSettings.fromOptions(TestOptions.of(), 4).enabled());
        assertFalse(CheaperSettings.fromOptions(TestOptions.of("cheaper", "0"), 4).enabled());
        CheaperSettings s = CheaperSettings.fromOptions(TestOptions.of("cheaper", "2"), 4);
        assertEquals(new CheaperSettings(2, 2, 1, 3, "spare", 0, 0), s);
        assertNull(s.problem(4));
    }

    @Test
    void initialIsKeptBetweenTheMinimumAndTheProcesses() {
        assertEquals(3, CheaperSettings.fromOptions(TestOptions.of("cheaper", "1", "cheaper-initial", "3"), 4).initial());
        assertEquals(4, CheaperSettings.fromOptions(TestOptions.of("cheaper", "1", "cheaper-initial", "9"), 4).initial());
        assertEquals(2, CheaperSettings.fromOptions(TestOptions.of("cheaper", "2", "cheaper-initial", "1"), 4).initial());
    }

    @Test
    void allOptionsAreRead() {
        CheaperSettings s = CheaperSettings.fromOptions(TestOptions.of("cheaper", "1", "cheaper-step", "2",
                "cheaper-overload", "5", "cheaper-algo", "backlog", "cheaper-rss-limit-soft", "5000000000",
                "cheaper-rss-limit-hard", "6000000000"), 8);
        assertEquals(new CheaperSettings(1, 1, 2, 5, "backlog", 5_000_000_000L, 6_000_000_000L), s);
        assertTrue(s.readsMemory());
    }

    @Test
    void aHardRssLimitNeedsASoftOneBelowItAsInUwsgi() {
        assertEquals("enabling cheaper-rss-limit-hard requires setting also cheaper-rss-limit-soft",
                CheaperSettings.rssLimitsProblem(TestOptions.of("cheaper-rss-limit-hard", "2000")));
        for (String soft : List.of("2000", "3000")) {
            assertEquals("cheaper-rss-limit-hard value must be higher than cheaper-rss-limit-soft value",
                    CheaperSettings.rssLimitsProblem(TestOptions.of("cheaper-rss-limit-soft", soft, "cheaper-rss-limit-hard", "2000")));
        }
        assertNull(CheaperSettings.rssLimitsProblem(TestOptions.of("cheaper-rss-limit-soft", "1999", "cheaper-rss-limit-hard", "2000")));
        assertNull(CheaperSettings.rssLimitsProblem(TestOptions.of("cheaper-rss-limit-soft", "2000")), "a soft limit alone");
        assertNull(CheaperSettings.rssLimitsProblem(TestOptions.of()));
    }

    @Test
    void theMinimumMustLeaveRoomToGrowAsInUwsgi() {
        assertEquals("invalid cheaper value: must be lower than processes",
                CheaperSettings.fromOptions(TestOptions.of("cheaper", "4"), 4).problem(4));
    }

    @Test
    void theNamedAlgorithmIsAskedAndFallsBackToSpareUntilItIsRegistered() {
        CheaperAlgorithms algorithms = new CheaperAlgorithms();
        List<String> asked = new ArrayList<>();
        algorithms.add("spare", 1L, () -> load -> {
            asked.add("spare");
            return 0;
        });
        Cheaper cheaper = new Cheaper(new CheaperSettings(1, 1, 1, 3, "mine", 0, 0), algorithms, System.nanoTime());
        cheaper.decide(LOAD);
        CheaperAlgorithm mine = () -> load -> {
            asked.add("mine " + load.active());
            return 1;
        };
        algorithms.add("mine", 2L, mine);
        assertEquals(1, cheaper.decide(LOAD));
        algorithms.remove("mine", 2L);
        cheaper.decide(LOAD);
        assertEquals(List.of("spare", "mine 2", "spare"), asked);
    }

    @Test
    void theAlgorithmInUseItsClampedDecisionAndItsFiguresAreKeptForTheStats() {
        CheaperAlgorithms algorithms = new CheaperAlgorithms();
        var figures = new CheaperAlgorithm.Figures(Map.of("avg_busyness", 70L), Map.of(1, Map.of("busyness", 70L)));
        algorithms.add("spare", 1L, () -> load -> -5);
        Cheaper cheaper = new Cheaper(new CheaperSettings(1, 1, 1, 3, "mine", 0, 0), algorithms, System.nanoTime());
        assertEquals("", cheaper.algorithmInUse());
        cheaper.decide(LOAD);
        assertEquals("spare", cheaper.algorithmInUse(), "the fallback");
        assertEquals(-1, cheaper.lastDecision(), "clamped");
        assertEquals(CheaperAlgorithm.Figures.NONE, cheaper.figures());
        algorithms.add("mine", 2L, () -> new CheaperAlgorithm.Decider() {
            @Override
            public int decide(Load load) {
                return 9;
            }

            @Override
            public CheaperAlgorithm.Figures figures() {
                return figures;
            }
        });
        assertEquals(2, cheaper.decide(LOAD));
        assertEquals("mine", cheaper.algorithmInUse());
        assertEquals(2, cheaper.lastDecision());
        assertEquals(figures, cheaper.figures());
    }

    @Test
    void answersAreClampedToWhatThePoolMayDo() {
        CheaperAlgorithms algorithms = new CheaperAlgorithms();
        int[] answer = {0};
        algorithms.add("spare", 1L, () -> load -> answer[0]);
        Cheaper cheaper = new Cheaper(new CheaperSettings(1, 1, 1, 3, "spare", 0, 0), algorithms, System.nanoTime());
        answer[0] = 9;
        assertEquals(2, cheaper.decide(LOAD), "no more than the cheaped slots");
        assertEquals(0, cheaper.decide(new Load(4, 1, 1, 3, 2, 2, 2, 0, 0, false)), "none when spawning is not allowed");
        answer[0] = -9;
        assertEquals(-1, cheaper.decide(LOAD), "never below --cheaper");
    }

    @Test
    void noAlgorithmAtAllDecidesNothing() {
        assertEquals(0, new Cheaper(new CheaperSettings(1, 1, 1, 3, "spare", 0, 0), new CheaperAlgorithms(), System.nanoTime()).decide(LOAD));
    }

    @Test
    void aCycleIsDueOncePerSecond() {
        long now = System.nanoTime();
        Cheaper cheaper = new Cheaper(CheaperSettings.OFF, new CheaperAlgorithms(), now);
        assertFalse(cheaper.due(now));
        assertTrue(cheaper.due(now + 1_000_000_000L));
        assertFalse(cheaper.due(now + 1_500_000_000L));
        assertTrue(cheaper.due(now + 2_000_000_000L));
    }
}
