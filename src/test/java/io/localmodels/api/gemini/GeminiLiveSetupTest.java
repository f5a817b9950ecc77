package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.localmodels.api.errors.ApiException;
import io.localmodels.vad.VadParameters;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Live setup message as the service reads it: Google's activity settings on Silero's parameters, and refusals. */
class GeminiLiveSetupTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final VadParameters DEFAULTS = new VadParameters(0.5, 0.35, 250, 500, 30, 20);

    private static GeminiLiveSetup read(String setup) throws Exception {
        JsonNode message = JSON.readTree("{\"setup\":{\"model\":\"models/gemini-live\"" + (setup.isEmpty() ? "" : "," + setup) + "}}");
        return GeminiLiveSetup.read(message, DEFAULTS, 256, 4096);
    }

    private static String refusal(String setup) {
        return assertThrows(ApiException.class, () -> read(setup)).getMessage();
    }

    @Test
    void activityDetectionSettingsBecomeSilerosParameters() throws Exception {
        GeminiLiveSetup plain = read("");
        assertEquals(DEFAULTS, plain.vad());
        assertTrue(plain.automaticActivity());
        assertTrue(plain.interrupts());

        VadParameters eager = read("\"realtimeInputConfig\":{\"automaticActivityDetection\":{\"startOfSpeechSensitivity\":"
                + "\"START_SENSITIVITY_HIGH\",\"prefixPaddingMs\":120,\"silenceDurationMs\":900}}").vad();
        assertEquals(0.35, eager.threshold(), 1e-9);
        assertEquals(0.20, eager.negThreshold(), 1e-9);
        assertEquals(120, eager.minSpeechMs());
        assertEquals(900, eager.minSilenceMs());
        assertEquals(30, eager.speechPadMs());

        VadParameters reluctant = read("\"realtimeInputConfig\":{\"automaticActivityDetection\":{\"startOfSpeechSensitivity\":"
                + "\"START_SENSITIVITY_LOW\",\"endOfSpeechSensitivity\":\"END_SENSITIVITY_HIGH\"}}").vad();
        assertEquals(0.65, reluctant.threshold(), 1e-9);
        assertEquals(0.60, reluctant.negThreshold(), 1e-9);
        assertEquals(0.20, read("\"realtimeInputConfig\":{\"automaticActivityDetection\":{\"endOfSpeechSensitivity\":"
                + "\"END_SENSITIVITY_LOW\"}}").vad().negThreshold(), 1e-9);

        GeminiLiveSetup manual = read("\"realtimeInputConfig\":{\"automaticActivityDetection\":{\"disabled\":true},"
                + "\"activityHandling\":\"NO_INTERRUPTION\"}");
        assertFalse(manual.automaticActivity());
        assertFalse(manual.interrupts());
    }

    @Test
    void generationSettingsAreReadAsGenerateContentReadsThem() throws Exception {
        GeminiLiveSetup s = read("\"generation_config\":{\"max_output_tokens\":7,\"temperature\":0.2,\"speechConfig\":{}},"
                + "\"system_instruction\":\"Sé breve.\",\"inputAudioTranscription\":{},\"sessionResumption\":{\"handle\":\"h1\"}");
        assertEquals(7, s.generation().maxTokens());
        assertEquals(0.2, s.generation().temperature(), 1e-9);
        assertEquals(1, s.generation().turns().size(), "the system instruction is the only turn");
        assertEquals("system", s.generation().turns().get(0).role());
        assertTrue(s.inputTranscription());
        assertTrue(s.resumable());
        assertEquals("h1", s.resumeHandle());

        GeminiLiveSetup fresh = read("\"sessionResumption\":{}");
        assertTrue(fresh.resumable());
        assertNull(fresh.resumeHandle());
        assertFalse(read("").resumable());
        assertFalse(read("").inputTranscription());
    }

    @Test
    void spokenAnswersAndTheirVoiceAreRead() throws Exception {
        GeminiLiveSetup spoken = read("\"generationConfig\":{\"responseModalities\":[\"AUDIO\"],\"speechConfig\":{\"voiceConfig\":"
                + "{\"prebuiltVoiceConfig\":{\"voiceName\":\"Kore\"}},\"languageCode\":\"es-ES\"}},\"outputAudioTranscription\":{}");
        assertEquals(GeminiRequests.Modalities.AUDIO, spoken.generation().modalities());
        assertEquals("kore", spoken.generation().speech().voiceName());
        assertEquals("es-ES", spoken.generation().speech().languageCode());
        assertTrue(spoken.outputTranscription());
        assertEquals(GeminiRequests.Modalities.TEXT, read("").generation().modalities());
        assertFalse(read("").outputTranscription());
    }

    /** Every field of speechConfig a client can send, of the wrong kind: a 400 naming it, never a fault. */
    @Test
    void aBadSpeechConfigIsRefusedByName() {
        String[][] cases = {
                {"\"responseModalities\":\"AUDIO\"", "must be a list"},
                {"\"responseModalities\":[5]", "TEXT and AUDIO are supported"},
                {"\"responseModalities\":[\"AUDIO\",\"AUDIO\",\"AUDIO\"]", "must be a list"},
                {"\"responseModalities\":[\"" + "A".repeat(100_000) + "\"]", "TEXT and AUDIO are supported"},
                {"\"speechConfig\":5", "speechConfig must be an object"},
                {"\"speechConfig\":{\"voice\":\"Kore\"}", "Unknown name \"voice\""},
                {"\"speechConfig\":{\"voiceConfig\":[1,2]}", "voiceConfig must be an object"},
                {"\"speechConfig\":{\"voiceConfig\":{\"prebuiltVoiceConfig\":\"Kore\"}}", "prebuiltVoiceConfig must be an object"},
                {"\"speechConfig\":{\"voiceConfig\":{\"prebuiltVoiceConfig\":{\"voiceName\":7}}}", "voiceName must be a voice name"},
                {"\"speechConfig\":{\"voiceConfig\":{\"prebuiltVoiceConfig\":{\"voiceName\":\"" + "k".repeat(5000) + "\"}}}",
                        "voiceName must be a voice name"},
                {"\"speechConfig\":{\"voiceConfig\":{\"prebuiltVoiceConfig\":{\"voiceName\":\"\"}}}", "voiceName must be a voice name"},
                {"\"speechConfig\":{\"languageCode\":[\"es\"]}", "languageCode must be a BCP-47 code"},
                {"\"speechConfig\":{\"languageCode\":\"" + "e".repeat(100) + "\"}", "languageCode must be a BCP-47 code"},
                {"\"speechConfig\":{\"multiSpeakerVoiceConfig\":{\"speakerVoiceConfigs\":{}}}", "a list of 1 to 8 speakers"},
                {"\"speechConfig\":{\"multiSpeakerVoiceConfig\":{\"speakerVoiceConfigs\":[" + "{\"speaker\":\"a\"},".repeat(9)
                        + "{\"speaker\":\"b\"}]}}", "a list of 1 to 8 speakers"},
                {"\"speechConfig\":{\"multiSpeakerVoiceConfig\":{\"speakerVoiceConfigs\":[{\"speaker\":5}]}}", "speaker must be"},
                {"\"responseModalities\":[\"AUDIO\"],\"responseMimeType\":\"application/json\"", "cannot be spoken"},
        };
        for (String[] c : cases) {
            String message = refusal("\"generationConfig\":{" + c[0] + "}");
            assertTrue(message.contains(c[1]), c[0].substring(0, Math.min(80, c[0].length())) + " -> " + message);
        }
    }

    @Test
    void whatCannotBeServedIsRefusedByName() {
        assertTrue(refusal("\"generationConfig\":{\"responseModalities\":[\"IMAGE\"]}").contains("TEXT and AUDIO are supported"));
        assertTrue(refusal("\"generationConfig\":{\"responseModalities\":[\"TEXT\",\"AUDIO\"]}").contains("one modality per Live session"));
        assertTrue(refusal("\"colour\":1").contains("Unknown name \"colour\" at 'setup'"));
        assertTrue(refusal("\"realtimeInputConfig\":{\"automaticActivityDetection\":{\"silence\":3}}").contains("Unknown name \"silence\""));
        assertTrue(refusal("\"tools\":[{\"googleSearch\":{}}]").contains("setup.tools is not supported"));
        assertTrue(refusal("\"realtimeInputConfig\":{\"automaticActivityDetection\":{\"silenceDurationMs\":-5}}")
                .contains("silenceDurationMs must be 0 to 10000"));
        assertTrue(refusal("\"realtimeInputConfig\":{\"activityHandling\":\"SOMETIMES\"}").contains("activityHandling"));
        assertTrue(assertThrows(ApiException.class, () -> GeminiLiveSetup.read(JSON.readTree("{\"setup\":{}}"), DEFAULTS, 256, 4096))
                .getMessage().contains("setup.model is required"));
    }
}
