package io.localmodels.api.service;

import io.localmodels.testing.FakeHubResource;
import io.localmodels.testing.WhisperFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A second start with HF_HUB_OFFLINE=1 on a cache that has the model: ready, and not one request to the Hub. */
@QuarkusTest
@TestProfile(HubOfflineStartTest.Offline.class)
class HubOfflineStartTest {

    public static class Offline implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeHubResource.class, Map.of("prefetch", "true", "offline", "true"), true));
        }
    }

    @Test
    void offlineUsesTheCacheWithoutAnyRequest() {
        WhisperFixtures.dir();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'asr' }.data.state", equalTo("ready")));
        assertEquals(List.of(), FakeHubResource.hub().requests(), "HF_HUB_OFFLINE: no request at all");
        given().get("/models/whisper-small").then().body("state", equalTo("loaded"));
    }
}
