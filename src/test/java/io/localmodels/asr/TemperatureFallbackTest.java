package io.localmodels.asr;

import com.fasterxml.jackson.databind.JsonNode;
import io.localmodels.testing.WhisperFixtures;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * openai/whisper's temperature fallback: a window that fails the checks is decoded again at each
 * configured temperature, sampling with the configured seed, until one passes; the segments say
 * which temperature gave them.
 */
class TemperatureFallbackTest {

    private static JsonNode golden(String name) {
        for (JsonNode c : WhisperFixtures.goldens().path("cases")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no golden " + name);
    }

    @Test
    void aFailingWindowIsRetriedAtEachTemperatureWithASeededSample() throws Exception {
        JsonNode c = golden("jfk-en-notimestamps");
        AsrRequest request = WhisperGoldenTest.request(c);
        // avg_logprob is always below 0: every decode "fails" the log-probability check, so every temperature is tried
        DecodingOptions alwaysFails = new DecodingOptions(24, 1.0, 1.1, 0.0, 2.4, List.of(0.5, 1.0), true, 42);
        DecodingOptions neverFails = new DecodingOptions(24, 1.0, 1.1, Double.NEGATIVE_INFINITY, 1e9, List.of(0.5, 1.0), true, 42);
        try (WhisperEngine engine = WhisperTestModels.open("v2-merged", DecodingOptions.defaults())) {
            Transcription greedy = engine.transcribe(List.of(request), neverFails).get(0);
            assertArrayEquals(WhisperGoldenTest.ints(c.path("tokens")), greedy.tokens(), "passing the checks: greedy, as PyTorch");
            assertTrue(greedy.segments().stream().allMatch(s -> s.temperature() == 0.0), greedy.segments().toString());

            Transcription sampled = engine.transcribe(List.of(request), alwaysFails).get(0);
            assertFalse(sampled.segments().isEmpty(), "the window is kept (no_speech threshold above 1)");
            assertTrue(sampled.segments().stream().allMatch(s -> s.temperature() == 1.0),
                    "the last temperature tried gave the text: " + sampled.segments());
            assertFalse(Arrays.equals(greedy.tokens(), sampled.tokens()), "sampling at 1.0 is not the greedy decode");
            Transcription again = engine.transcribe(List.of(request), alwaysFails).get(0);
            assertArrayEquals(sampled.tokens(), again.tokens(), "the same seed samples the same tokens");
            Transcription otherSeed = engine.transcribe(List.of(request),
                    new DecodingOptions(24, 1.0, 1.1, 0.0, 2.4, List.of(0.5, 1.0), true, 7)).get(0);
            assertFalse(Arrays.equals(sampled.tokens(), otherSeed.tokens()), "another seed, other samples");
            assertTrue(sampled.tokens().length <= 24, "still bounded by max-new-tokens");
        }
    }
}
