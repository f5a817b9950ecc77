package io.localmodels.api.glasses;

import io.localmodels.testing.OfflineSileroReference;
import io.localmodels.testing.OggOpus;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Sox;
import io.localmodels.testing.Wav;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Speech boundaries over /ws/audio against the offline Silero reference. */
@QuarkusTest
class AudioStreamingTest {

    static final Path WORK = Path.of("target", "test-audio");

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    record Segment(int id, double start, double end) {
    }

    @BeforeEach
    void ready() {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    /** The recording as the client sends it: the shared file, or a sox-made rate variant of it. */
    static Wav source(String file, int rate) throws Exception {
        Path original = SharedFiles.require(file);
        if (rate == 0) {
            return Wav.read(original);
        }
        Path out = WORK.resolve(original.getFileName().toString().replace(".wav", "-" + rate + ".wav"));
        return Wav.read(Sox.convert(original, out, rate, 1));
    }

    /** Reference segments: the same audio brought to 16 kHz by sox (not by the service), run offline. */
    static List<Segment> reference(String file, int rate, Wav sent) throws Exception {
        float[] audio16k;
        if (sent.sampleRate() == 16000) {
            audio16k = sent.mono();
        } else {
            Path original = SharedFiles.path(file);
            String name = original.getFileName().toString().replace(".wav", "-" + rate + "-to16k.wav");
            Path in = rate == 0 ? original : WORK.resolve(original.getFileName().toString().replace(".wav", "-" + rate + ".wav"));
            audio16k = Wav.read(Sox.convert(in, WORK.resolve(name), 16000, 1)).mono();
        }
        List<Segment> out = new ArrayList<>();
        int id = 1;
        for (long[] s : OfflineSileroReference.speechTimestamps(SharedFiles.path("models/silero-vad/silero_vad.onnx"),
                audio16k, 30)) {
            out.add(new Segment(id++, s[0] / 16000.0, s[1] / 16000.0));
        }
        return out;
    }

    /** Streams PCM16 in frames of 20–100 ms (binary or base64 audio_chunk) and returns the segments. */
    List<Segment> stream(Wav wav, boolean base64) throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(new JsonObject().put("type", "config").put("sample_rate", wav.sampleRate()).put("encoding", "pcm16")
                    .put("channels", wav.channels()).put("language", "es"));
            JsonObject ack = ws.await("config_ack", 10);
            assertEquals(false, ack.getBoolean("resumed"));
            int bytesPerMs = wav.sampleRate() * wav.channels() * 2 / 1000;
            int[] frameMs = {20, 40, 60, 100, 30};
            int pos = 0;
            int chunk = 0;
            while (pos < wav.pcm().length) {
                int n = Math.min(frameMs[chunk % frameMs.length] * bytesPerMs + (chunk % 2), wav.pcm().length - pos);
                byte[] frame = Arrays.copyOfRange(wav.pcm(), pos, pos + n);
                if (base64) {
                    ws.json(new JsonObject().put("type", "audio_chunk").put("chunk_id", chunk)
                            .put("data_b64", Base64.getEncoder().encodeToString(frame)));
                } else {
                    ws.binary(frame);
                }
                pos += n;
                chunk++;
            }
            ws.json(new JsonObject().put("type", "end_of_stream"));
            JsonObject ended = ws.await("stream_ended", 120);
            assertEquals(wav.frames(), ended.getLong("received_samples"), "every sample arrived, none twice");
            assertEquals(1000, ws.awaitClose(10), "normal close after end_of_stream");
            return segments(ws, ended);
        }
    }

    static List<Segment> segments(WsClient ws, JsonObject ended) {
        List<Segment> out = new ArrayList<>();
        Double open = null;
        for (JsonObject m : ws.received()) {
            switch (m.getString("type")) {
                case "speech_started" -> {
                    assertEquals(null, open, "speech_started twice without speech_stopped: " + ws.received());
                    open = m.getDouble("start");
                }
                case "speech_stopped" -> {
                    assertEquals(open, m.getDouble("start"), "speech_stopped matches its speech_started");
                    assertEquals(out.size() + 1, m.getInteger("segment_id"), "segment ids count up from 1");
                    assertTrue(m.getDouble("end") > m.getDouble("start"));
                    out.add(new Segment(m.getInteger("segment_id"), m.getDouble("start"), m.getDouble("end")));
                    open = null;
                }
                case "error" -> throw new AssertionError("unexpected error " + m);
                default -> { }
            }
        }
        assertEquals(out.size(), ended.getInteger("segments"));
        return out;
    }

    static void assertClose(List<Segment> expected, List<Segment> actual, double tolerance, String what) {
        assertEquals(expected.size(), actual.size(), what + ": expected " + expected + " got " + actual);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).start(), actual.get(i).start(), tolerance, what + " segment " + (i + 1) + " start");
            assertEquals(expected.get(i).end(), actual.get(i).end(), tolerance, what + " segment " + (i + 1) + " end");
        }
    }

    @ParameterizedTest(name = "{0} at {1} Hz")
    @CsvSource({
            "audio/jfk.wav, 0",
            "audio/es-test-44k.wav, 0",
            "audio/picovoice/test_es.wav, 0",
            "audio/silero-test.wav, 0",
            "audio/jfk.wav, 8000",
            "audio/jfk.wav, 48000",
            "audio/silero-test.wav, 8000",
            "audio/silero-test.wav, 48000"})
    void speechBoundariesMatchTheOfflineReference(String file, int rate) throws Exception {
        Wav wav = source(file, rate);
        List<Segment> expected = reference(file, rate, wav);
        List<Segment> binary = stream(wav, false);

        assertTrue(!expected.isEmpty(), "the reference finds speech in " + file);
        assertClose(expected, binary, 0.100, file + "@" + wav.sampleRate());

        List<Segment> base64 = stream(wav, true);
        assertEquals(binary, base64, "base64 audio_chunk messages give the same events as binary frames");
    }

    /** Streams Ogg Opus packets, one per binary message; returns the segments shifted by the pre-skip. */
    List<Segment> streamOpus(OggOpus opus, JsonObject[] endedOut) throws Exception {
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(new JsonObject().put("type", "config").put("sample_rate", 48000).put("encoding", "opus")
                    .put("channels", opus.channels()));
            ws.await("config_ack", 10);
            for (byte[] packet : opus.packets()) {
                ws.binary(packet);
            }
            ws.json(new JsonObject().put("type", "end_of_stream"));
            JsonObject ended = ws.await("stream_ended", 120);
            endedOut[0] = ended;
            // Decoded Opus starts with the encoder's pre-skip (RFC 7845); shift it out before comparing.
            double preSkip = opus.preSkip() / 48000.0;
            return segments(ws, ended).stream()
                    .map(s -> new Segment(s.id(), Math.max(0, s.start() - preSkip), s.end() - preSkip)).toList();
        }
    }

    @Test
    void opusPacketsOfSpeechGiveTheSameSegmentsAsTheirPcm() throws Exception {
        // Speech encoded at a phone's 32 kbps by libopus; the PCM run is the same Opus audio decoded
        // by libopus (codec loss moves borderline pauses, so the original WAV is not the yardstick).
        Path wavFile = SharedFiles.require("audio/silero-test.wav");
        Path opusFile = Sox.opusEncode(wavFile, WORK.resolve("silero-test-opusenc.opus"));
        OggOpus opus = OggOpus.read(opusFile);
        List<Segment> pcm = stream(Wav.read(Sox.opusDecode(opusFile, WORK.resolve("silero-test-opusenc-dec.wav"))), false);

        JsonObject[] ended = new JsonObject[1];
        List<Segment> fromOpus = streamOpus(opus, ended);

        assertTrue(pcm.size() > 10, "the recording has many utterances: " + pcm);
        assertClose(pcm, fromOpus, 0.150, "opus packets vs their libopus decode");
        assertEquals(60.0 + opus.preSkip() / 48000.0, ended[0].getDouble("received_seconds"), 0.021);
    }

    @Test
    void sharedOpusFileDecodesLikeLibopus() throws Exception {
        // The shared silero-test.opus is an 8 s clip (not the 60 s WAV); compare it with its own
        // decode by libopus, streamed as PCM.
        Path file = SharedFiles.require("audio/silero-test.opus");
        OggOpus opus = OggOpus.read(file);
        Wav libopus = Wav.read(Sox.opusDecode(file, WORK.resolve("silero-test-opusdec.wav")));
        List<Segment> pcm = stream(libopus, false);

        JsonObject[] ended = new JsonObject[1];
        List<Segment> fromOpus = streamOpus(opus, ended);

        assertClose(pcm, fromOpus, 0.150, "opus packets vs libopus decode");
        double decoded = ended[0].getDouble("received_seconds") - opus.preSkip() / 48000.0;
        assertEquals(libopus.frames() / 48000.0, decoded, 0.021, "same duration as libopus");
    }

    @Test
    void silenceYieldsNoSpeech() throws Exception {
        Wav wav = Wav.read(SharedFiles.require("audio/picovoice/empty.wav"));
        assertEquals(List.of(), stream(wav, false));
    }
}
