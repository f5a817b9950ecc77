package io.localmodels.asr;

import com.fasterxml.jackson.databind.JsonNode;
import io.localmodels.testing.Npy;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.WhisperFixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Java engine against goldens computed in PyTorch by make_whisper_fixtures.py: features,
 * encoder output, and greedy token sequences (exact) with the merged and the split decoder, with
 * and without the KV cache, one by one and batched.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WhisperGoldenTest {

    private JsonNode goldens;
    private Path dir;
    private final Map<String, WhisperEngine> engines = new HashMap<>();
    private final Map<String, List<String>> foldersByFamily = new HashMap<>();

    @BeforeAll
    void load() throws Exception {
        dir = WhisperFixtures.dir();
        goldens = WhisperFixtures.goldens();
        for (JsonNode v : goldens.path("variants")) {
            String folder = v.path("folder").asText();
            engines.put(folder, WhisperTestModels.open(folder, DecodingOptions.defaults()));
            foldersByFamily.computeIfAbsent(v.path("family").asText(), k -> new ArrayList<>()).add(folder);
        }
        // the export variants users really have: each must be there, or the goldens below prove less than they claim
        for (String expected : List.of("v2-merged", "v2-split", "v2-cachepos-merged", "v2-cachepos-split", "v2-fp16io",
                "v2-mingen", "v3-merged", "en-merged")) {
            assertTrue(engines.containsKey(expected), "fixture variant " + expected + " missing from goldens.json");
        }
    }


    @AfterAll
    void close() throws Exception {
        for (WhisperEngine e : engines.values()) {
            e.close();
        }
    }

    @Test
    void filterbankEqualsOpenaisMelFilters() throws Exception {
        Path npz = SharedFiles.require("models/whisper-tokenizer/mel_filters.npz");
        for (int mels : new int[]{80, 128}) {
            Npy expected = Npy.readNpz(npz, "mel_" + mels);
            float[][] actual = MelFilterBank.slaney(mels, 400, 16000).dense();
            double worst = 0;
            for (int m = 0; m < mels; m++) {
                for (int k = 0; k < 201; k++) {
                    worst = Math.max(worst, Math.abs(actual[m][k] - expected.data()[m * 201 + k]));
                }
            }
            assertTrue(worst < 1e-6, mels + " mels: largest difference " + worst);
        }
    }

    @Test
    void logMelWithin1e4OfPyTorch() throws Exception {
        for (JsonNode g : goldens.path("mel")) {
            float[] signal = Npy.read(dir.resolve("signal_" + g.path("signal").asText() + ".npy")).data();
            Npy expected = Npy.read(dir.resolve(g.path("file").asText()));
            float[] actual = new LogMelSpectrogram(g.path("n_mels").asInt()).compute(signal);
            assertEquals(expected.data().length, actual.length);
            double worst = 0;
            for (int i = 0; i < actual.length; i++) {
                worst = Math.max(worst, Math.abs(actual[i] - expected.data()[i]));
            }
            assertTrue(worst < 1e-4, g.path("file").asText() + ": largest difference " + worst);
        }
    }

    @Test
    void encoderOutputMatchesPyTorch() throws Exception {
        float[] mel = new LogMelSpectrogram(80).compute(Npy.read(dir.resolve("signal_jfk.npy")).data());
        Npy expected = Npy.read(dir.resolve("encoder_v2_jfk.npy"));
        try (WhisperOnnxModel.Encoded enc = engines.get("v2-merged").model().encode(new float[][]{mel})) {
            float[] actual = enc.copy();
            assertEquals(expected.data().length, actual.length);
            double worst = 0;
            for (int i = 0; i < actual.length; i++) {
                worst = Math.max(worst, Math.abs(actual[i] - expected.data()[i]));
            }
            assertTrue(worst < 1e-3, "largest difference " + worst);
        }
    }

    @Test
    void everyCaseReproducesTheGoldenTokensInEveryLayoutWithAndWithoutCache() throws Exception {
        int checked = 0;
        for (JsonNode c : goldens.path("cases")) {
            String family = c.path("family").asText();
            for (String layout : foldersByFamily.get(family)) {
                for (boolean cache : new boolean[]{true, false}) {
                    WhisperEngine engine = engines.get(layout);
                    DecodingOptions opts = DecodingOptions.defaults().withMaxNewTokens(c.path("max_new_tokens").asInt()).withUseCache(cache);
                    Transcription t = engine.transcribe(List.of(request(c)), opts).get(0);
                    String what = c.path("name").asText() + " on " + layout + (cache ? " (KV cache)" : " (full recompute)");
                    // the float16-I/O export rounds at the graph edges: its goldens model that rounding, per path
                    JsonNode expected = layout.contains("fp16")
                            ? goldens.path("fp16_io").path(c.path("name").asText()).path(cache ? "cached" : "recompute") : c;
                    assertTrue(expected.has("tokens"), what + ": no golden");
                    assertArrayEquals(ints(expected.path("tokens")), t.tokens(), what + ": tokens");
                    String expectedLanguage = c.path("language").isNull() ? expected.path("detected_language").asText() : c.path("language").asText();
                    assertEquals(expectedLanguage, t.language(), what + ": language");
                    assertEquals(expected.path("avg_logprob").asDouble(), t.avgLogprob(), 1e-3, what + ": avg_logprob");
                    assertEquals(expected.path("no_speech_prob").asDouble(), t.noSpeechProb(), 1e-4, what + ": no_speech_prob");
                    checked++;
                }
            }
        }
        assertTrue(checked >= 90, "only " + checked + " decodes checked");
    }

    @Test
    void batchedDecodingEqualsSingleDecoding() throws Exception {
        for (JsonNode v : goldens.path("variants")) {
            String layout = v.path("folder").asText();
            String family = v.path("family").asText();
            List<JsonNode> cases = new ArrayList<>();
            goldens.path("cases").forEach(c -> {
                if (c.path("family").asText().equals(family)) {
                    cases.add(c);
                }
            });
            WhisperEngine engine = engines.get(layout);
            int max = cases.stream().mapToInt(c -> c.path("max_new_tokens").asInt()).max().orElseThrow();
            DecodingOptions opts = DecodingOptions.defaults().withMaxNewTokens(max);
            List<AsrRequest> requests = cases.stream().map(WhisperGoldenTest::request).toList();
            List<Transcription> batched = engine.transcribe(requests, opts);
            for (int i = 0; i < requests.size(); i++) {
                Transcription single = engine.transcribe(List.of(requests.get(i)), opts).get(0);
                String what = layout + " case " + cases.get(i).path("name").asText();
                assertArrayEquals(single.tokens(), batched.get(i).tokens(), what);
                assertEquals(single.language(), batched.get(i).language(), what);
                assertEquals(single.avgLogprob(), batched.get(i).avgLogprob(), 1e-4, what);
                assertEquals(single.noSpeechProb(), batched.get(i).noSpeechProb(), 1e-5, what);
            }
        }
    }

    @Test
    void aPromptBecomesStartOfPrevAndItsTokensBeforeTheStartSequence() throws Exception {
        JsonNode c = null;
        for (JsonNode x : goldens.path("cases")) {
            if (x.path("prompt").isTextual()) {
                c = x;
            }
        }
        assertTrue(c != null, "the goldens have a prompted case");
        WhisperTokenizer tokenizer = engines.get("v2-merged").tokenizer();
        assertArrayEquals(ints(c.path("prompt_tokens")), tokenizer.encode(" " + c.path("prompt").asText()),
                "the prompt encodes to the tokens the reference put after <|startofprev|>");
        // the decode itself is checked with every other case (everyCaseReproducesTheGoldenTokens...)
    }

    @Test
    void compressionRatioIsZlibs() {
        for (JsonNode c : goldens.path("compression")) {
            assertEquals(c.path("ratio").asDouble(), WhisperEngine.compressionRatio(c.path("text").asText()), 1e-12, c.path("text").asText());
        }
    }

    static AsrRequest request(JsonNode c) {
        try {
            float[] audio = Npy.read(WhisperFixtures.dir().resolve("signal_" + c.path("signal").asText() + ".npy")).data();
            String language = c.path("language").isNull() ? null : c.path("language").asText();
            AsrRequest.Task task = c.path("task").asText().equals("translate") ? AsrRequest.Task.TRANSLATE : AsrRequest.Task.TRANSCRIBE;
            String prompt = c.path("prompt").isTextual() ? c.path("prompt").asText() : null;
            return new AsrRequest(audio, language, task, c.path("timestamps").asBoolean(), prompt, 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
