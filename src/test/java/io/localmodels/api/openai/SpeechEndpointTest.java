package io.localmodels.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.localmodels.testing.Espeak;
import io.localmodels.testing.NodeScripts;
import io.localmodels.testing.PocketSphinx;
import io.localmodels.testing.Sox;
import io.localmodels.testing.SpeechSentences;
import io.localmodels.testing.SpokenAudio;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * /v1/audio/speech with the built-in voice (espeak-ng), driven by the official openai client. The
 * speech must be real: PocketSphinx, held to a grammar of twelve candidate sentences, must name the
 * sentence each answer says.
 */
@QuarkusTest
class SpeechEndpointTest {

    static final List<String> SENTENCES = SpeechSentences.ALL;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path WORK = Path.of("target/speech-test");

    @TestHTTPResource("/")
    URI base;

    @Test
    void theOpenAiClientGetsSpeechThatSaysTheSentence() throws Exception {
        Espeak.requireLibrary();
        NodeScripts.requireModule("openai");
        PocketSphinx.requireInstalled();
        Files.createDirectories(WORK);
        List<String> args = new ArrayList<>(List.of(base.resolve("/v1").toString(), WORK.toAbsolutePath().toString()));
        args.addAll(SENTENCES);
        JsonNode out = JSON.readTree(NodeScripts.run("openai-speech.mjs", args, Duration.ofMinutes(3)));

        int heard = 0;
        StringBuilder misses = new StringBuilder();
        for (int i = 0; i < SENTENCES.size(); i++) {
            JsonNode wav = out.path("wav").get(i);
            assertEquals("audio/wav", wav.path("type").asText());
            byte[] bytes = Files.readAllBytes(Path.of(wav.path("file").asText()));
            short[] pcm = streamedWav(bytes);
            double seconds = pcm.length / 24000.0;
            assertTrue(seconds > 0.6 && seconds < 6, SENTENCES.get(i) + ": " + seconds + " s of speech");
            if (i == 0) {
                // the same sentence from espeak-ng's own command line lasts as long, silence at both ends trimmed by sox:
                // the rate in the header is the audio's real one
                Path reference = WORK.resolve("reference.wav");
                Sox.run(List.of("espeak-ng", "-v", "en-us", "-w", reference.toString(), SENTENCES.get(0)));
                double expected = SpokenAudio.spokenSeconds(reference);
                double got = SpokenAudio.spokenSeconds(SpokenAudio.writeWav(pcm, 24000, WORK.resolve("first.wav")));
                assertEquals(expected, got, expected * 0.02, "the service's speech lasts as long as espeak-ng's own");
            }
            Path at16k = Sox.convert(SpokenAudio.writeWav(pcm, 24000, WORK.resolve(i + "-24k.wav")), WORK.resolve(i + "-16k.wav"), 16000, 1);
            String got = PocketSphinx.recognise(at16k, SENTENCES);
            if (got.equals(SENTENCES.get(i))) {
                heard++;
            } else {
                misses.append("\n  said '").append(SENTENCES.get(i)).append("', heard '").append(got).append('\'');
            }
        }
        System.out.printf("built-in voice recognised by PocketSphinx: %d of %d sentences%s%n", heard, SENTENCES.size(), misses);
        assertTrue(heard >= SENTENCES.size() - 1, heard + " of " + SENTENCES.size() + " recognised:" + misses);

        // Ogg Opus, read by libopus' own tools: a valid stream (opusinfo), as long as the WAV answer, the same sentence heard
        JsonNode opus = out.path("opus");
        assertEquals("audio/ogg; codecs=opus", opus.path("type").asText(), opus.toString());
        Path opusFile = Path.of(opus.path("file").asText());
        Process info = new ProcessBuilder("opusinfo", opusFile.toString()).redirectErrorStream(true).start();
        String report = new String(info.getInputStream().readAllBytes());
        assertEquals(0, info.waitFor(), report);
        assertTrue(!report.contains("WARNING") && !report.contains("ERROR"), report);
        Path opus16k = Sox.convert(Sox.opusDecode(opusFile, WORK.resolve("opus-48k.wav")), WORK.resolve("opus-16k.wav"), 16000, 1);
        assertEquals(SENTENCES.get(0), PocketSphinx.recognise(opus16k, SENTENCES), "the Opus answer says the sentence");
        double wavSeconds = SpokenAudio.spokenSeconds(WORK.resolve("first.wav"));
        double opusSeconds = SpokenAudio.spokenSeconds(WORK.resolve("opus-48k.wav"));
        assertEquals(wavSeconds, opusSeconds, wavSeconds * 0.05, "as long as the WAV answer");
        long wavBytes = Files.size(Path.of(out.path("wav").get(0).path("file").asText()));
        assertTrue(opus.path("bytes").asLong() < wavBytes / 6, "Opus at 32 kb/s is far smaller: " + opus.path("bytes") + " vs " + wavBytes);

        assertEquals("audio/pcm", out.path("pcm").path("type").asText());
        int pcmBytes = out.path("pcm").path("bytes").asInt();
        assertTrue(pcmBytes % 2 == 0 && pcmBytes > 24000 * 2 / 2, "pcm: " + pcmBytes + " bytes");
        assertEquals("audio/wav", out.path("defaultFormat").path("type").asText(), "no response_format: wav");

        JsonNode errors = out.path("errors");
        for (String name : List.of("empty", "huge", "voice", "format", "speed")) {
            assertEquals(400, errors.path(name).path("status").asInt(), name + ": " + errors.path(name));
            assertEquals("invalid_request", errors.path(name).path("code").asText(), name + ": " + errors.path(name));
        }
        assertTrue(errors.path("format").path("message").asText().contains("wav, pcm, opus"), errors.path("format").toString());
        assertTrue(errors.path("huge").path("message").asText().contains("lma.tts.max-input-chars"), errors.path("huge").toString());
    }

    @Test
    void everyFieldOfTheWrongKindIsAClearRefusalAndTheVoiceSpeaksAfter() {
        Espeak.requireLibrary();
        String[][] cases = {
                {"not json", "the body is not JSON"},
                {"[1,2]", "must be a JSON object"},
                {"{\"input\": 5}", "input must be a string"},
                {"{\"input\": null}", "input must be a string"},
                {"{\"input\": {\"a\": 1}}", "input must be a string"},
                {"{\"input\": \"hi\", \"voice\": 7}", "voice must be a string"},
                {"{\"input\": \"hi\", \"voice\": \"../../etc/passwd\"}", "unknown voice"},
                {"{\"input\": \"hi\", \"voice\": \"" + "x".repeat(5000) + "\"}", "unknown voice"},
                {"{\"input\": \"hi\", \"response_format\": []}", "response_format must be a string"},
                {"{\"input\": \"hi\", \"response_format\": \"mp3\"}", "is not offered"},
                {"{\"input\": \"hi\", \"speed\": \"fast\"}", "speed must be a number"},
                {"{\"input\": \"hi\", \"speed\": -1}", "speed must be 0.25 to 4.0"},
                {"{\"input\": \"hi\", \"speed\": 1e308}", "speed must be 0.25 to 4.0"},
                {"{\"input\": \"hi\", \"stream_format\": \"sse\"}", "stream_format"},
                {"{\"input\": \"\\u0000\\u0001  \"}", "nothing to speak"},
                {"{\"input\": \"hi\", \"model\": 3}", "model must be a string"},
                {"{\"input\": " + "[".repeat(5000) + "]".repeat(5000) + "}", "the body is not JSON"},
        };
        for (String[] c : cases) {
            given().contentType("application/json").body(c[0]).post("/v1/audio/speech").then()
                    .statusCode(400).body("error.code", equalTo("invalid_request")).body("error.message", containsString(c[1]));
        }
        given().contentType("application/json").body("{\"input\": \"" + "a".repeat(2 << 20) + "\"}").post("/v1/audio/speech").then()
                .statusCode(413).body("error.code", equalTo("payload_too_large")).body("error.message", containsString("/v1/audio/speech"));
        byte[] after = given().contentType("application/json").body("{\"input\": \"still here\", \"response_format\": \"pcm\"}")
                .post("/v1/audio/speech").then().statusCode(200).extract().asByteArray();
        assertTrue(after.length > 24000, "speech after the sweep: " + after.length + " bytes");
    }

    @Test
    void theVoicesAreListedAndReadinessNamesTheEngine() {
        Espeak.requireLibrary();
        given().get("/v1/audio/voices").then().statusCode(200).body("state", equalTo("ready"))
                .body("data.id", hasItems("en-us", "es", "de"))
                .body("openai_names", hasItem("alloy"));
        // the model list has the built-in voice, with the voice names requests may use
        given().get("/models").then().statusCode(200).body("find { it.id == 'espeak-ng' }.role", equalTo("tts"))
                .body("find { it.id == 'espeak-ng' }.state", equalTo("loaded"))
                .body("find { it.id == 'espeak-ng' }.voices", hasItems("en-us", "es", "de"));
        given().get("/models/espeak-ng").then().statusCode(200).body("voices", hasItem("pt-br"));
        given().post("/models/espeak-ng/load").then().statusCode(409).body("error.code", equalTo("not_configured"));
        given().get("/q/health/ready").then().body("checks.find { it.name == 'tts' }.data.state", equalTo("ready"))
                .body("checks.find { it.name == 'tts' }.data.engine", containsString("espeak-ng"));
    }

    /** A streamed WAV: its header (24 kHz mono PCM16, sizes "unknown"), then samples to the end. */
    static short[] streamedWav(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertArrayEquals("RIFF".getBytes(), Arrays.copyOfRange(bytes, 0, 4));
        assertArrayEquals("WAVE".getBytes(), Arrays.copyOfRange(bytes, 8, 12));
        assertArrayEquals("fmt ".getBytes(), Arrays.copyOfRange(bytes, 12, 16));
        assertEquals(1, b.getShort(20), "PCM");
        assertEquals(1, b.getShort(22), "mono");
        assertEquals(24000, b.getInt(24), "24 kHz");
        assertEquals(16, b.getShort(34), "16-bit");
        assertArrayEquals("data".getBytes(), Arrays.copyOfRange(bytes, 36, 40));
        assertEquals(-1, b.getInt(40), "a streamed WAV's data size is 0xFFFFFFFF");
        short[] pcm = new short[(bytes.length - 44) / 2];
        b.position(44);
        b.asShortBuffer().get(pcm);
        return pcm;
    }
}
