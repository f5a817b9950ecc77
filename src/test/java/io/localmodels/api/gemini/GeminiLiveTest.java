package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.localmodels.testing.EmbeddedLlmProfile;
import io.localmodels.testing.NodeScripts;
import io.localmodels.testing.Readiness;
import io.localmodels.testing.SharedFiles;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gemini Live over the fixture Whisper and the embedded fixture LLM, driven by Google's own
 * @google/genai client (its base URL pointed at the service): speech in, transcription and a
 * streamed model turn out; a typed turn; a resumed session that remembers; speech over an answer
 * interrupts it; refusals close with Google's status.
 */
@QuarkusTest
@TestProfile(EmbeddedLlmProfile.class)
class GeminiLiveTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void ready() {
        Readiness.awaitLlmAndAsr();
    }

    @Test
    void googlesClientTalksToTheLocalPipeline() throws Exception {
        NodeScripts.requireModule("@google/genai");
        String root = base.toString().replaceAll("/$", "");
        JsonNode out = JSON.readTree(NodeScripts.run("gemini-live.mjs", List.of(root, "any-key",
                SharedFiles.require("audio/jfk.wav").toString(), SharedFiles.require("images/dog.jpg").toString()), Duration.ofMinutes(4)));

        JsonNode speech = out.path("speech");
        assertEquals(1, speech.path("transcriptions").size(), speech.toString());
        assertFalse(speech.path("transcriptions").get(0).asText().isBlank(), speech.toString());
        assertTrue(speech.path("texts").size() > 1, "the answer streams in pieces: " + speech);
        assertEquals(1, speech.path("generationComplete").asInt(), speech.toString());
        assertEquals(1, speech.path("complete").asInt(), speech.toString());
        assertEquals(16, speech.path("usage").get(0).path("responseTokenCount").asInt(), "a random model runs to maxOutputTokens");
        String order = String.join(",", JSON.convertValue(speech.path("order"), List.class));
        assertTrue(order.matches("setupComplete,sessionResumptionUpdate,inputTranscription,(modelTurn,)+generationComplete,turnComplete"
                + "(,sessionResumptionUpdate)?"), order);
        assertEquals(1, out.path("typed").path("complete").asInt(), out.path("typed").toString());

        // resumed with its handle, the conversation remembers: the same question's prompt holds the turns before it
        int resumedPrompt = out.path("resumed").path("usage").get(0).path("promptTokenCount").asInt();
        int freshPrompt = out.path("fresh").path("usage").get(0).path("promptTokenCount").asInt();
        assertTrue(resumedPrompt > freshPrompt + 30, resumedPrompt + " vs " + freshPrompt);
        assertEquals(1, out.path("resumed").path("complete").asInt(), out.path("resumed").toString());

        assertEquals(1, out.path("interrupt").path("interrupted").asInt(), out.path("interrupt").toString());

        // detection off: the marked activity is one turn, transcribed whole
        JsonNode manual = out.path("manual");
        assertEquals(1, manual.path("transcriptions").size(), manual.toString());
        assertEquals(1, manual.path("complete").asInt(), manual.toString());
        // the frame sent before the question reaches the LLM as the detector's objects: the prompt grows
        assertTrue(out.path("frame").path("with").asInt() > out.path("frame").path("without").asInt() + 10, out.path("frame").toString());

        // two turns that do not fit the context together: the second is answered from a shorter history
        JsonNode grown = out.path("long");
        assertEquals(2, grown.path("complete").asInt(), grown.toString());
        int first = grown.path("usage").get(0).path("promptTokenCount").asInt();
        assertTrue(first > 16384 / 2, "each turn is over half the context: " + grown);
        assertTrue(grown.path("usage").get(1).path("promptTokenCount").asInt() < 16384, grown.toString());

        assertTrue(out.path("imageModality").path("message").asText().contains("TEXT and AUDIO are supported"),
                out.path("imageModality").toString());
        assertTrue(out.path("unknownHandle").path("message").asText().contains("handle not known"), out.path("unknownHandle").toString());
        assertTrue(out.path("tools").path("message").asText().contains("setup.tools is not supported"), out.path("tools").toString());
        assertEquals(1007, out.path("badPart").path("code").asInt(), out.path("badPart").toString());
        assertTrue(out.path("badPart").path("reason").asText().startsWith("INVALID_ARGUMENT: realtimeInput audio must be audio/pcm;rate="),
                out.path("badPart").toString());
    }
}
