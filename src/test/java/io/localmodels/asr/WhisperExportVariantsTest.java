package io.localmodels.asr;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.localmodels.testing.WhisperFixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the export variants of make_whisper_fixtures.py change besides the tokens (those are in
 * WhisperGoldenTest): the ids a minimal generation_config leaves to config.json and the tokenizer,
 * an English-only model's refusals, an input the engine cannot feed.
 */
class WhisperExportVariantsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aMinimalGenerationConfigGivesTheIdsTheFullOneWouldHave() throws Exception {
        // expected values: the full generation_config.json the fixture's tokenizer came with, read here directly
        JsonNode full = JSON.readTree(WhisperFixtures.model("v2-merged").resolve("generation_config.json").toFile());
        JsonNode minimal = JSON.readTree(WhisperFixtures.model("v2-mingen").resolve("generation_config.json").toFile());
        assertFalse(minimal.has("lang_to_id") || minimal.has("no_timestamps_token_id") || minimal.has("eos_token_id")
                || minimal.has("is_multilingual"), "the fixture must really be minimal: " + minimal);
        try (WhisperEngine e = WhisperTestModels.open("v2-mingen", DecodingOptions.defaults())) {
            WhisperConfig c = e.model().config();
            SpecialTokens sp = c.specials();
            assertTrue(c.multilingual(), "51865 tokens: multilingual");
            assertEquals(full.path("eos_token_id").asInt(), sp.eot());
            assertEquals(full.path("decoder_start_token_id").asInt(), sp.sot());
            assertEquals(full.path("no_timestamps_token_id").asInt(), sp.noTimestamps());
            assertEquals(full.path("task_to_id").path("transcribe").asInt(), sp.transcribe());
            assertEquals(full.path("task_to_id").path("translate").asInt(), sp.translate());
            Map<String, Integer> languages = new HashMap<>();
            full.path("lang_to_id").fields().forEachRemaining(f -> languages.put(f.getKey().replaceAll("[<|>]", ""), f.getValue().asInt()));
            assertEquals(99, languages.size());
            assertEquals(languages, sp.languages());
        }
    }

    @Test
    void anEnglishOnlyModelRefusesOtherLanguagesAndTranslationInsteadOfTranscribingThemAsEnglish() throws Exception {
        Path dir = WhisperFixtures.model("en-merged");
        JsonNode gen = JSON.readTree(dir.resolve("generation_config.json").toFile());
        assertFalse(gen.has("lang_to_id"));
        try (WhisperEngine e = WhisperTestModels.open(dir, DecodingOptions.defaults())) {
            assertFalse(e.model().config().multilingual());
            float[] audio = new float[16000];
            LanguageUnsupportedException es = assertThrows(LanguageUnsupportedException.class, () -> e.transcribe(List.of(
                    new AsrRequest(audio, "es", AsrRequest.Task.TRANSCRIBE, false, null, 0))));
            assertTrue(es.getMessage().contains("English-only") && es.getMessage().contains("'es'"), es.getMessage());
            LanguageUnsupportedException tr = assertThrows(LanguageUnsupportedException.class, () -> e.transcribe(List.of(
                    new AsrRequest(audio, null, AsrRequest.Task.TRANSLATE, false, null, 0))));
            assertTrue(tr.getMessage().contains("translate"), tr.getMessage());
            Transcription en = e.transcribe(List.of(new AsrRequest(audio, "en", AsrRequest.Task.TRANSCRIBE, false, null, 0))).get(0);
            assertEquals("en", en.language());
            Transcription detect = e.transcribe(List.of(new AsrRequest(audio, null, AsrRequest.Task.TRANSCRIBE, false, null, 0))).get(0);
            assertEquals("en", detect.language(), "no detection on an English-only model");
        }
    }

    @Test
    void anInputTheEngineCannotFeedIsNamedAtLoad() {
        OrtException e = assertThrows(OrtException.class, () -> WhisperTestModels.open("v2-unknown-input", DecodingOptions.defaults()));
        assertTrue(e.getMessage().contains("decoder_position_bias") && e.getMessage().contains("decoder_model_merged.onnx"), e.getMessage());
    }
}
