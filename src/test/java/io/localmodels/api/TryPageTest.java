package io.localmodels.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.localmodels.analysis.OpenAiAnalysisEngineTest;
import io.localmodels.testing.AnalysisProfile;
import io.localmodels.testing.FakeChatResource;
import io.localmodels.testing.FakeChatServer;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.WhisperFixtures;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The try-it page in a real browser: Debian's Chromium, headless, driven by puppeteer-core
 * (src/test/js, installed by .ci/run), its fake microphone playing jfk.wav and its fake camera
 * showing dog.jpg. The page must show speech events and transcript lines (fixture Whisper), the
 * session's final_result after Stop (the loopback LLM's summary, action item with its steps, risk),
 * the photo's dog / bicycle / car, and the stored session.
 * Screenshots: target/try-page/*.png.
 */
@QuarkusTest
@TestProfile(AnalysisProfile.class)
class TryPageTest {

    private static final Path DRIVER = Path.of("src/test/js/try-page.mjs");

    @TestHTTPResource("/")
    URI base;

    @Test
    void microphoneCameraAndPastSessionsWorkInChromium() throws Exception {
        WhisperFixtures.dir();
        Path audio = SharedFiles.require("audio/jfk.wav");
        Path dog = SharedFiles.require("images/dog.jpg");
        Path chromium = Path.of(System.getenv().getOrDefault("LMA_CHROMIUM", "/usr/bin/chromium"));
        skipUnless(Files.isExecutable(chromium), "Debian's Chromium at " + chromium + " (apt-get install chromium, or set LMA_CHROMIUM)");
        skipUnless(Files.isDirectory(Path.of("src/test/js/node_modules/puppeteer-core")), "puppeteer-core (npm ci --prefix src/test/js)");
        skipUnless(runs("node", "--version"), "Node.js on the PATH");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'asr' }.data.state", equalTo("ready")));
        FakeChatResource.server.reset();
        // the Talk section's conversation (its system instruction asks for brief answers) gets a spoken-style answer
        FakeChatResource.server.answerWith(req -> FakeChatServer.Reply.content(req.toString().contains("Answer briefly")
                ? "Hola, te escucho. ¿En qué te ayudo?" : OpenAiAnalysisEngineTest.GOOD));

        Path out = Files.createDirectories(Path.of("target/try-page").toAbsolutePath());
        Path video = y4m(dog, out.resolve("dog.y4m"));
        Path log = out.resolve("driver.log");
        ProcessBuilder pb = new ProcessBuilder("node", DRIVER.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(Map.of("BASE_URL", base.toString(), "OUT_DIR", out.toString(), "AUDIO_FILE", audio.toString(),
                "VIDEO_FILE", video.toString(), "CHROMIUM", chromium.toString()));
        Process p = pb.start();
        boolean finished = p.waitFor(4, TimeUnit.MINUTES);
        if (!finished) {
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        System.out.println(output);
        assertTrue(finished && p.exitValue() == 0, "the page driver failed:\n" + output);
        String line = output.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow(() -> new AssertionError(output));
        JsonNode r = new ObjectMapper().readTree(line.substring("RESULT ".length()));

        List<String> events = new ArrayList<>();
        r.path("events").forEach(e -> events.add(e.asText()));
        assertTrue(events.containsAll(List.of("config_ack", "speech_started", "speech_stopped", "partial_result", "final_result",
                "stream_ended")), "the protocol's events reached the page: " + events);
        assertFalse(r.path("level").asText().equals("0%") || r.path("level").asText().isEmpty(), "the level meter moved: " + r.path("level"));
        assertTrue(r.path("transcript").size() >= 1, "transcript lines: " + r.path("transcript"));
        assertTrue(r.path("transcript").get(0).asText().matches("\\d+\\.\\d–\\d+\\.\\d sS\\d.*"), "a line shows its times and speaker: " + r.path("transcript"));
        assertTrue(r.path("analysis").asText().startsWith("analysis: ok"), "final_result shown: " + r.path("analysis"));
        assertEquals("Se acordó revisar el módulo de pagos.", r.path("summary").asText());
        assertEquals("Revisar pagos: antes del viernes", r.path("actions").get(0).path("text").asText(), r.path("actions").toString());
        assertEquals("[\"Paso 1: leer el código\",\"Paso 2: probar\"]", r.path("actions").get(0).path("steps").toString());
        assertEquals("[\"Plazo ajustado\"]", r.path("sessionRisks").toString());
        List<String> labels = new ArrayList<>();
        r.path("labels").forEach(l -> labels.add(l.asText()));
        assertTrue(labels.containsAll(List.of("dog", "bicycle", "car")), "what the camera saw: " + labels);
        assertTrue(r.path("boxesDrawn").asBoolean());
        assertTrue(r.path("sessions").size() >= 1, r.path("sessions").toString());
        assertEquals(r.path("sessions").get(0).asText(), r.path("document").path("session_id").asText(), "the newest session opens first");
        assertTrue(r.path("document").path("transcript").size() >= 1, "the stored document has the transcript");
        // Talk: what the wearer said came back as text, the answer was shown sentence by sentence and played
        JsonNode talk = r.path("talk");
        List<String> said = new ObjectMapper().convertValue(talk.path("log"), List.class);
        assertTrue(said.stream().anyMatch(l -> l.startsWith("you: ") && l.length() > 6), "the wearer's turn: " + said);
        assertTrue(said.contains("assistant: Hola, te escucho. ¿En qué te ayudo?"), "the answer's transcription: " + said);
        assertTrue(talk.path("playedSeconds").asDouble() > 0.5, "the spoken answer played: " + talk);
        assertEquals(0, r.path("problems").size(), "no script errors in the page: " + r.path("problems"));
        for (String png : List.of("microphone.png", "session-final.png", "camera.png", "sessions.png", "talk.png")) {
            assertTrue(Files.size(out.resolve(png)) > 10_000, png + " written for a person to look at");
        }
    }

    /** One frame of YUV4MPEG2 (4:2:0), the format Chromium's file camera reads: the photo as the camera's picture. */
    static Path y4m(Path jpeg, Path target) throws IOException {
        BufferedImage img = ImageIO.read(jpeg.toFile());
        int w = img.getWidth() & ~1;
        int h = img.getHeight() & ~1;
        byte[] y = new byte[w * h];
        byte[] u = new byte[w * h / 4];
        byte[] v = new byte[w * h / 4];
        for (int row = 0; row < h; row++) {
            for (int col = 0; col < w; col++) {
                int rgb = img.getRGB(col, row);
                int r = (rgb >> 16) & 0xff, g = (rgb >> 8) & 0xff, b = rgb & 0xff;
                y[row * w + col] = (byte) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
                if (row % 2 == 0 && col % 2 == 0) {
                    int i = (row / 2) * (w / 2) + col / 2;
                    u[i] = (byte) Math.max(0, Math.min(255, Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b)));
                    v[i] = (byte) Math.max(0, Math.min(255, Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b)));
                }
            }
        }
        try (var out = Files.newOutputStream(target)) {
            out.write(("YUV4MPEG2 W" + w + " H" + h + " F30:1 Ip A1:1 C420jpeg\nFRAME\n").getBytes(StandardCharsets.US_ASCII));
            out.write(y);
            out.write(u);
            out.write(v);
        }
        return target;
    }

    private static void skipUnless(boolean ok, String what) {
        if (!ok) {
            String reason = "SKIPPED: the try-it page test needs " + what;
            System.err.println(reason);
            Assumptions.abort(reason);
        }
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
