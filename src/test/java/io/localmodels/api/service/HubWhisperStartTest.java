package io.localmodels.api.service;

import io.localmodels.testing.AudioSocketMessages;
import io.localmodels.testing.FakeHub;
import io.localmodels.testing.FakeHubResource;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import io.localmodels.testing.WhisperFixtures;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A new user's first start: nothing configured but the Hub's address (HF_ENDPOINT) and an empty
 * Hugging Face cache. lma.asr.model=auto picks onnx-community/whisper-small on this CPU machine, the
 * service fetches it from a loopback Hub serving the fixture Whisper under that name, and the session
 * that was already talking gets transcripts once it is
 * ready. The loopback Hub holds the encoder's download until the test has seen the session's notice.
 */
@QuarkusTest
@TestProfile(HubWhisperStartTest.FreshMachine.class)
class HubWhisperStartTest {

    public static class FreshMachine implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of();
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(FakeHubResource.class, Map.of("hold-encoder", "true"), true));
        }
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    private static JsonPath asrCheck() {
        return given().get("/q/health/ready").then().extract().jsonPath().setRootPath("checks.find { it.name == 'asr' }");
    }

    @Test
    void autoFetchesTheDefaultWhisperIntoTheHuggingFaceCacheWhileSessionsAlreadyWork() throws Exception {
        WhisperFixtures.dir();
        byte[] jfk = Wav.read(SharedFiles.require("audio/jfk.wav")).pcm();
        await().atMost(Duration.ofSeconds(30)).until(() -> "downloading".equals(asrCheck().getString("data.state")));
        JsonPath downloading = asrCheck();
        assertEquals("UP", downloading.getString("status"), "a download does not take the replica out of service");
        assertTrue(downloading.getString("data.progress").endsWith("%"), downloading.prettify());
        JsonPath model = given().get("/models/whisper-small").then().statusCode(200).extract().jsonPath();
        assertEquals("downloading", model.getString("state"));
        assertTrue(model.getLong("progress.total_bytes") > 0 && model.getLong("progress.done_bytes") <= model.getLong("progress.total_bytes"),
                "bytes done / total while downloading: " + model.prettify());

        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(new JsonObject().put("type", "config").put("sample_rate", 16000).put("encoding", "pcm16").put("language", "es"));
            ws.await("config_ack", 10);
            AudioSocketMessages.sendFrames(ws, jfk, 0, jfk.length);
            JsonObject notice = ws.await(m -> "notice".equals(m.getString("type")), 30, "the asr_loading notice");
            assertEquals("asr_loading", notice.getString("code"), notice.encode());
            assertTrue(notice.getString("message").contains("%"), "the notice says how far the download is: " + notice);
            FakeHubResource.hub().release();  // the download completes
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> given().get("/q/health/ready").then()
                    .body("checks.find { it.name == 'asr' }.data.state", equalTo("ready")));
            AudioSocketMessages.sendFrames(ws, jfk, 0, jfk.length);
            ws.json(new JsonObject().put("type", "end_of_stream"));
            ws.await("stream_ended", 120);
            List<JsonObject> notices = ws.received("notice");
            assertEquals(1, notices.size(), "asr_loading once: " + notices);
            assertFalse(ws.received("partial_result").isEmpty(), "transcripts once the model is ready: " + ws.received());
            assertTrue(ws.received().indexOf(notices.get(0)) < ws.received().indexOf(ws.received("partial_result").get(0)));
        }

        Path repo = FakeHubResource.cacheDir().resolve("models--onnx-community--whisper-small");
        String commit = FakeHubResource.commit();
        assertEquals(commit, Files.readString(repo.resolve("refs/main")));
        Path encoder = repo.resolve("snapshots").resolve(commit).resolve("onnx/encoder_model.onnx");
        assertTrue(Files.isSymbolicLink(encoder) && Files.readSymbolicLink(encoder).toString().startsWith("../../../blobs/"), encoder.toString());
        List<String> asked = FakeHubResource.hub().requests().stream().map(FakeHub.Request::path).toList();
        assertTrue(asked.stream().noneMatch(p -> p.contains("_fp16")), "on CPU auto passes over fp16 files: " + asked);

        given().get("/models/whisper-small").then().statusCode(200).body("state", equalTo("loaded")).body("configured", equalTo(true))
                .body("hub", equalTo("onnx-community/whisper-small"));
        given().get("/models/whisper-base").then().statusCode(200).body("state", equalTo("not_downloaded"));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double bytes = metrics.lines().filter(l -> l.startsWith("lma_model_download_bytes_total")).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        assertTrue(bytes >= Files.size(encoder), "download bytes counted: " + bytes);
    }
}
