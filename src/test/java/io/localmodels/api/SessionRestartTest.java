package io.localmodels.api;

import io.localmodels.analysis.ActionItem;
import io.localmodels.analysis.AnalysisOutcome;
import io.localmodels.analysis.AnalysisStatus;
import io.localmodels.analysis.SessionAnalysis;
import io.localmodels.session.FinalDocument;
import io.localmodels.session.JournalSessionStore;
import io.localmodels.session.TranscriptEntry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/**
 * What an earlier run of the service stored is there after a restart: the profile writes sessions
 * into a fresh data folder with the store itself before this application instance starts on it.
 */
@QuarkusTest
@TestProfile(SessionRestartTest.EarlierRun.class)
class SessionRestartTest {

    public static class EarlierRun implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Path dir = Path.of("target", "test-data-restart-" + UUID.randomUUID());
            JournalSessionStore earlier = new JournalSessionStore(dir, true);
            Instant t = Instant.parse("2026-11-21T09:00:00Z");
            earlier.started("before-restart", "es", t);
            TranscriptEntry e = new TranscriptEntry(1, "S1", 0.3, 2.1, "Hay que llamar al fontanero.");
            earlier.segment("before-restart", e, t.plusSeconds(3));
            earlier.finished("before-restart", FinalDocument.of("before-restart", "es", List.of(e), new AnalysisOutcome(
                    new SessionAnalysis("Llamar al fontanero.", List.of(new ActionItem("Llamar al fontanero", "", List.of("Buscar el número"),
                            List.of(1))), List.of(), List.of(), List.of()), new AnalysisStatus("ok", "openai", "m", null))), t.plusSeconds(5));
            earlier.started("cut-off", "es", t.plusSeconds(60));
            earlier.segment("cut-off", new TranscriptEntry(1, "S1", 0, 1, "Y entonces se fue la luz"), t.plusSeconds(61));
            return Map.of("lma.session.data-dir", dir.toString());
        }
    }

    @Test
    void storedSessionsComeBackAfterARestart() {
        given().get("/sessions/before-restart").then().statusCode(200)
                .body("summary", equalTo("Llamar al fontanero."))
                .body("transcript[0].text", equalTo("Hay que llamar al fontanero."))
                .body("action_items[0].steps[0]", equalTo("Buscar el número"))
                .body("analysis.status", equalTo("ok"));
        given().get("/sessions/cut-off").then().statusCode(200)
                .body("transcript[0].text", equalTo("Y entonces se fue la luz"))
                .body("analysis.status", equalTo("incomplete"));
        given().get("/sessions?since=2026-11-21T00:00:00Z").then().statusCode(200)
                .body("sessions.session_id", hasItem("before-restart"));
    }
}
