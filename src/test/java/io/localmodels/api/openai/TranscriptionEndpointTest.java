package io.localmodels.api.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.localmodels.asr.WhisperGoldenTestAccess;
import io.localmodels.asr.WhisperTokenizer;
import io.localmodels.testing.Readiness;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Sox;
import io.localmodels.testing.Wav;
import io.localmodels.testing.WhisperFixtureProfile;
import io.localmodels.testing.WhisperFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAI-compatible endpoint with the fixture model: the PyTorch goldens' text, formats, errors. */
@QuarkusTest
@TestProfile(WhisperFixtureProfile.class)
class TranscriptionEndpointTest {

    @BeforeEach
    void ready() {
        WhisperFixtures.dir();
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        Readiness.awaitAsr();
    }

    /** A WAV whose header claims a chunk of {@code size} bytes (as an unsigned 32-bit number). */
    static byte[] wavWithChunk(String id, long size) {
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + 16 + 8 + 8 + 64).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(b.capacity() - 8).put("WAVE".getBytes(StandardCharsets.US_ASCII));
        if (id.equals("fmt ")) {
            b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt((int) size);
        } else {
            b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16);
        }
        b.putShort((short) 1).putShort((short) 1).putInt(16000).putInt(32000).putShort((short) 2).putShort((short) 16);
        if (!id.equals("fmt ")) {
            b.put(id.getBytes(StandardCharsets.US_ASCII)).putInt((int) size).putLong(0);
        }
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(64);
        return b.array();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fmt :7FFFFFF0", "LIST:FFFFFFF0", "LIST:7FFFFFFF", "junk:FFFFFFFF"})
    void wavChunkSizesNearTwoToThe31AreA400(String spec) {
        String[] p = spec.split(":");
        byte[] wav = wavWithChunk(p[0], Long.parseLong(p[1], 16));
        given().multiPart("file", "a.wav", wav, "audio/wav").post("/v1/audio/transcriptions").then()
                .statusCode(400).body("error.code", equalTo("invalid_audio"));
    }

    @Test
    void jsonTextIsThePyTorchGoldensTokens() throws Exception {
        Path jfk = SharedFiles.require("audio/jfk.wav");
        JsonPath verbose = given().multiPart("file", jfk.toFile(), "audio/wav").multiPart("language", "en")
                .multiPart("model", "whisper-1").multiPart("response_format", "verbose_json")
                .post("/v1/audio/transcriptions").then().statusCode(200).extract().jsonPath();
        String text = given().multiPart("file", jfk.toFile(), "audio/wav").multiPart("language", "en")
                .multiPart("model", "whisper-1")
                .post("/v1/audio/transcriptions").then().statusCode(200).extract().path("text");
        // expected: the tokens PyTorch decoded for jfk.wav, English, no timestamps (make_whisper_fixtures.py), which
        // run to its 24-token bound; greedy decoding is prefix-stable, so the service's first 24 tokens are those
        JsonNode golden = null;
        for (JsonNode c : WhisperFixtures.goldens().path("cases")) {
            if (c.path("name").asText().equals("jfk-en-notimestamps")) {
                golden = c;
            }
        }
        int[] tokens = WhisperGoldenTestAccess.ints(golden.path("tokens"));
        WhisperTokenizer tokenizer = WhisperTokenizer.load(
                WhisperFixtures.model("v2-merged").resolve("tokenizer.json"));
        String expected = tokenizer.decode(tokens).strip();
        if (verbose.getInt("dropped_windows") == 0) {
            assertTrue(text.strip().startsWith(expected), "the service's text begins with the golden's: " + text + " vs " + expected);
        } else {
            assertEquals("", text, "a dropped window gives no text");
        }
        String plain = given().multiPart("file", jfk.toFile(), "audio/wav").multiPart("language", "en")
                .multiPart("response_format", "text").post("/v1/audio/transcriptions").then().statusCode(200)
                .contentType(startsWith("text/plain")).extract().asString();
        assertEquals(text + "\n", plain);
    }

    @Test
    void rawPcm16WithSampleRateEqualsTheWav() throws Exception {
        Path jfk = SharedFiles.require("audio/jfk.wav");
        byte[] pcm = Wav.read(jfk).pcm();
        String fromWav = given().multiPart("file", jfk.toFile(), "audio/wav").multiPart("language", "en")
                .post("/v1/audio/transcriptions").then().statusCode(200).extract().path("text");
        String fromPcm = given().multiPart("file", "jfk.pcm", pcm, "application/octet-stream").multiPart("sample_rate", "16000")
                .multiPart("language", "en").post("/v1/audio/transcriptions").then().statusCode(200).extract().path("text");
        assertEquals(fromWav, fromPcm);
    }

    @Test
    void verboseJsonCarriesOpenAiSegmentFields() {
        Path jfk = SharedFiles.require("audio/jfk.wav");
        JsonPath body = given().multiPart("file", jfk.toFile(), "audio/wav").multiPart("language", "en")
                .multiPart("response_format", "verbose_json").multiPart("timestamp_granularities[]", "segment")
                .post("/v1/audio/transcriptions").then().statusCode(200).extract().jsonPath();
        assertEquals("transcribe", body.getString("task"));
        assertEquals("en", body.getString("language"));
        assertEquals(11.0, body.getDouble("duration"), 0.01);
        List<Map<String, Object>> segments = body.getList("segments");
        for (Map<String, Object> s : segments) {
            for (String field : List.of("id", "seek", "start", "end", "text", "tokens", "temperature", "avg_logprob",
                    "compression_ratio", "no_speech_prob")) {
                assertTrue(s.containsKey(field), field + " missing in " + s);
            }
            double start = ((Number) s.get("start")).doubleValue();
            double end = ((Number) s.get("end")).doubleValue();
            assertTrue(0 <= start && start <= end && end <= 11.0, s.toString());
        }
        assertEquals(body.getInt("dropped_windows") == 0, !segments.isEmpty() || body.getString("text").isEmpty());
    }

    @Test
    void longAudioIsCutByTheVadAndComesBackInTimeOrder() {
        Path file = SharedFiles.require("audio/silero-test.wav");
        JsonPath body = given().multiPart("file", file.toFile(), "audio/wav").multiPart("language", "es")
                .multiPart("response_format", "verbose_json").post("/v1/audio/transcriptions").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(60.0, body.getDouble("duration"), 0.05);
        List<Float> starts = body.getList("segments.start", Float.class);
        assertTrue(starts.size() >= 3, "several VAD windows: " + starts);
        for (int i = 1; i < starts.size(); i++) {
            assertTrue(starts.get(i) >= starts.get(i - 1), "segments in time order: " + starts);
        }
        assertTrue(starts.get(starts.size() - 1) > 30, "windows beyond the first 30 s: " + starts);
    }

    @Test
    void srtAndVttAreWellFormed() {
        Path jfk = SharedFiles.require("audio/jfk.wav");
        String srt = given().multiPart("file", jfk.toFile(), "audio/wav").multiPart("language", "en")
                .multiPart("response_format", "srt").post("/v1/audio/transcriptions").then().statusCode(200).extract().asString();
        String vtt = given().multiPart("file", jfk.toFile(), "audio/wav").multiPart("language", "en")
                .multiPart("response_format", "vtt").post("/v1/audio/transcriptions").then().statusCode(200).extract().asString();
        assertTrue(vtt.startsWith("WEBVTT\n\n"), vtt);
        for (String block : srt.split("\n\n")) {
            if (block.isBlank()) {
                continue;
            }
            String[] lines = block.split("\n");
            assertTrue(lines[0].matches("\\d+") && lines[1].matches("\\d\\d:\\d\\d:\\d\\d,\\d{3} --> \\d\\d:\\d\\d:\\d\\d,\\d{3}"), block);
        }
    }

    @Test
    void oggOpusUploadsAreDecoded() throws Exception {
        Path ogg = Sox.opusEncode(SharedFiles.require("audio/jfk.wav"), Path.of("target/transcription-test/jfk.opus"));
        JsonPath body = given().multiPart("file", ogg.toFile(), "audio/ogg")
                .multiPart("response_format", "verbose_json").post("/v1/audio/transcriptions").then().statusCode(200).extract().jsonPath();
        assertEquals(11.0, body.getDouble("duration"), 0.01);
        assertTrue(!body.getString("text").isBlank());
        // a file over lma.asr.max-file-duration (10 min) is refused from its pages, before decoding
        Path longWav = Path.of("target/transcription-test/silero-11min.wav");
        Sox.run(List.of("sox", SharedFiles.require("audio/silero-test.wav").toString(), longWav.toString(),
                "repeat", "10"));
        Path longOgg = Sox.opusEncode(longWav, Path.of("target/transcription-test/silero.opus"));
        given().multiPart("file", longOgg.toFile(), "audio/ogg").post("/v1/audio/transcriptions").then()
                .statusCode(413).body("error.code", equalTo("audio_too_long"));
    }

    @Test
    void badInputGetsClearErrors() throws Exception {
        Path jfk = SharedFiles.require("audio/jfk.wav");
        given().multiPart("file", "x.mp3", new byte[]{'I', 'D', '3', 4, 0, 0, 0, 0, 0, 0}, "audio/mpeg")
                .post("/v1/audio/transcriptions").then().statusCode(415).body("error.code", equalTo("unsupported_audio"));
        byte[] truncated = Files.readAllBytes(jfk);
        given().multiPart("file", "bad.wav", Arrays.copyOf(truncated, 30), "audio/wav")
                .post("/v1/audio/transcriptions").then().statusCode(400).body("error.code", equalTo("invalid_audio"));
        given().multiPart("file", jfk.toFile(), "audio/wav").multiPart("language", "xx")
                .post("/v1/audio/transcriptions").then().statusCode(400).body("error.code", equalTo("invalid_language"));
        given().multiPart("file", jfk.toFile(), "audio/wav").multiPart("response_format", "docx")
                .post("/v1/audio/transcriptions").then().statusCode(400).body("error.code", equalTo("invalid_request"));
        given().multiPart("file", jfk.toFile(), "audio/wav").multiPart("timestamp_granularities[]", "word")
                .post("/v1/audio/transcriptions").then().statusCode(400).body("error.message", containsString("segment"));
        given().multiPart("language", "en").post("/v1/audio/transcriptions").then().statusCode(400)
                .body("error.code", equalTo("missing_file"));
        assertFalse(given().get("/q/metrics").asString().isEmpty());
    }

    @Test
    void translationsRunTheTranslateTask() {
        Path jfk = SharedFiles.require("audio/jfk.wav");
        // both detect the language (OpenAI's translations take none), so only the task token differs
        JsonPath translated = given().multiPart("file", jfk.toFile(), "audio/wav")
                .multiPart("response_format", "verbose_json").post("/v1/audio/translations").then().statusCode(200).extract().jsonPath();
        JsonPath transcribed = given().multiPart("file", jfk.toFile(), "audio/wav")
                .multiPart("response_format", "verbose_json").post("/v1/audio/transcriptions").then().statusCode(200).extract().jsonPath();
        assertEquals(transcribed.getString("language"), translated.getString("language"));
        assertEquals("translate", translated.getString("task"));
        assertEquals("transcribe", transcribed.getString("task"));
        // the two tasks give the decoder different prompts (<|translate|> / <|transcribe|>): the fixture model answers differently
        Assertions.assertNotEquals(transcribed.getString("text"), translated.getString("text"));
    }
}
