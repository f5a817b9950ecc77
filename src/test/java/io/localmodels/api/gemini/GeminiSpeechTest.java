package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.localmodels.testing.EmbeddedLlmProfile;
import io.localmodels.testing.Espeak;
import io.localmodels.testing.NodeScripts;
import io.localmodels.testing.Readiness;
import io.localmodels.testing.PocketSphinx;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Sox;
import io.localmodels.testing.SpeechSentences;
import io.localmodels.testing.SpokenAudio;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spoken answers through Google's own @google/genai client: a speech model's generateContent says
 * the sentence it was given (PocketSphinx hears it), streamed and whole alike; another model's answer
 * comes from the LLM and is spoken; Gemini Live with AUDIO streams 24 kHz parts and their
 * transcription, and speech over an answer stops its audio.
 */
@QuarkusTest
@TestProfile(EmbeddedLlmProfile.class)
class GeminiSpeechTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String L16 = "audio/L16;codec=pcm;rate=24000";
    private static final Path WORK = Path.of("target/gemini-speech-test");

    @TestHTTPResource("/")
    URI base;

    @BeforeEach
    void ready() {
        Readiness.awaitLlmAndAsr();
    }

    @Test
    void googlesClientGetsSpokenAnswers() throws Exception {
        Espeak.requireLibrary();
        PocketSphinx.requireInstalled();
        NodeScripts.requireModule("@google/genai");
        Files.createDirectories(WORK);
        List<String> sentences = SpeechSentences.ALL.subList(0, 4);
        List<String> args = new ArrayList<>(List.of(base.toString().replaceAll("/$", ""), WORK.toAbsolutePath().toString(),
                SharedFiles.require("audio/jfk.wav").toString()));
        args.addAll(sentences);
        JsonNode out = JSON.readTree(NodeScripts.run("gemini-speech.mjs", args, Duration.ofMinutes(4)));
        JsonNode rest = out.path("rest");

        // a speech model: Google's audio part, the sentence said (heard back by an independent recogniser)
        int heard = 0;
        StringBuilder misses = new StringBuilder();
        for (int i = 0; i < sentences.size(); i++) {
            JsonNode r = rest.path("sentences").get(i);
            assertEquals(L16, r.path("mimeTypes").get(0).asText(), r.toString());
            assertEquals(1, r.path("mimeTypes").size(), r.toString());
            assertEquals(0, r.path("texts").size(), "AUDIO only: " + r);
            assertEquals("STOP", r.path("finishReason").asText(), r.toString());
            short[] pcm = SpokenAudio.samples(Files.readAllBytes(Path.of(r.path("file").asText())));
            double seconds = pcm.length / 24000.0;
            assertTrue(seconds > 0.6 && seconds < 6, sentences.get(i) + ": " + seconds + " s");
            Path at16k = Sox.convert(SpokenAudio.writeWav(pcm, 24000, WORK.resolve(i + "-24k.wav")), WORK.resolve(i + "-16k.wav"), 16000, 1);
            String got = PocketSphinx.recognise(at16k, SpeechSentences.ALL);
            if (got.equals(sentences.get(i))) {
                heard++;
            } else {
                misses.append("\n  said '").append(sentences.get(i)).append("', heard '").append(got).append('\'');
            }
        }
        System.out.printf("Gemini speech model recognised by PocketSphinx: %d of %d sentences%s%n", heard, sentences.size(), misses);
        assertTrue(heard >= sentences.size() - 1, heard + " of " + sentences.size() + misses);
        // as long as espeak-ng's own command line takes to say it: the rate in the mime type is the audio's real one
        Path reference = WORK.resolve("reference.wav");
        Sox.run(List.of("espeak-ng", "-v", "en-us", "-w", reference.toString(), sentences.get(0)));
        double expected = SpokenAudio.spokenSeconds(reference);
        double got = SpokenAudio.spokenSeconds(WORK.resolve("0-24k.wav"));
        assertEquals(expected, got, expected * 0.02, "the answer lasts as long as espeak-ng's own speech of the sentence");

        // streamed: the same sentence in several events, the last with the finish reason (espeak-ng's output varies by a
        // few samples from call to call: the length is compared, and the recogniser hears the same sentence)
        JsonNode streamed = rest.path("streamed");
        assertTrue(streamed.path("audioEvents").asInt() >= 2, streamed.toString());
        assertEquals("STOP", streamed.path("finishReason").asText(), streamed.toString());
        short[] streamedPcm = SpokenAudio.samples(Files.readAllBytes(Path.of(streamed.path("file").asText())));
        short[] wholePcm = SpokenAudio.samples(Files.readAllBytes(Path.of(rest.path("sentences").get(0).path("file").asText())));
        assertEquals(wholePcm.length, streamedPcm.length, wholePcm.length * 0.01, "streamed and whole answers are as long");
        Path streamed16k = Sox.convert(SpokenAudio.writeWav(streamedPcm, 24000, WORK.resolve("stream-24k.wav")),
                WORK.resolve("stream-16k.wav"), 16000, 1);
        assertEquals(sentences.get(0), PocketSphinx.recognise(streamed16k, SpeechSentences.ALL), "the streamed answer says the sentence");

        // another model name: the LLM's answer, spoken (and written too when TEXT is asked for as well)
        String text = rest.path("text").asText();
        assertTrue(text.chars().anyMatch(Character::isLetter), "the LLM wrote: " + text);
        JsonNode llm = rest.path("llmAudio");
        assertEquals(L16, llm.path("mimeTypes").get(0).asText(), llm.toString());
        assertTrue(llm.path("bytes").asInt() > 24000, "a spoken answer: " + llm);
        assertEquals(0, llm.path("texts").size(), llm.toString());
        assertEquals(24, llm.path("usage").path("candidatesTokenCount").asInt(), "usage counts the LLM's tokens: " + llm);
        JsonNode both = rest.path("both");
        assertEquals(text, both.path("texts").get(0).asText(), both.toString());
        assertEquals(llm.path("bytes").asInt(), both.path("bytes").asInt(), llm.path("bytes").asInt() * 0.02, "the same answer, spoken: " + both);
        JsonNode llmStreamed = rest.path("llmStreamed");
        assertEquals(llm.path("bytes").asInt(), llmStreamed.path("bytes").asInt(), llm.path("bytes").asInt() * 0.02, llmStreamed.toString());
        assertEquals("", llmStreamed.path("texts").asText(), "AUDIO only streams no text: " + llmStreamed);
        assertEquals(24, llmStreamed.path("usage").path("candidatesTokenCount").asInt(), llmStreamed.toString());

        JsonNode errors = out.path("errors");
        for (String name : List.of("voice", "language", "image", "json", "huge", "streamedVoice")) {
            assertEquals(400, errors.path(name).path("status").asInt(), name + ": " + errors.path(name));
        }
        assertTrue(errors.path("voice").path("message").asText().contains("voiceName 'nobody' is not a voice here"), errors.toString());
        assertTrue(errors.path("language").path("message").asText().contains("languageCode 'xx-YY' has no voice"), errors.toString());
        assertTrue(errors.path("image").path("message").asText().contains("TEXT and AUDIO are supported"), errors.toString());
        assertTrue(errors.path("json").path("message").asText().contains("cannot be spoken"), errors.toString());
        assertTrue(errors.path("huge").path("message").asText().contains("lma.tts.max-input-chars"), errors.toString());

        // Live: the answer as 24 kHz audio parts and, sentence by sentence, its transcription; no text parts
        JsonNode live = out.path("live");
        JsonNode audio = live.path("audio");
        assertEquals("audio/pcm;rate=24000", audio.path("mimeTypes").get(0).asText(), audio.toString());
        assertEquals(1, audio.path("mimeTypes").size(), audio.toString());
        assertEquals(0, audio.path("texts").size(), audio.toString());
        String order = String.join(",", JSON.convertValue(audio.path("order"), List.class));
        // each sentence's transcription comes with its first audio; generation completes before the speech may end
        assertTrue(order.matches("setupComplete,((outputTranscription,)?(audio,)+|generationComplete,)+turnComplete"), order);
        assertEquals(1, order.split("generationComplete", -1).length - 1, order);
        // the transcription is what the same LLM writes when asked for TEXT (letters and digits compared: the
        // voice skips pieces with nothing to say)
        String transcribed = String.join("", JSON.convertValue(audio.path("transcription"), List.class));
        assertEquals(letters(live.path("text").asText()), letters(transcribed), "spoken: " + transcribed + "\nwritten: " + live.path("text"));
        short[] spoken = SpokenAudio.samples(Files.readAllBytes(Path.of(audio.path("file").asText())));
        assertTrue(spoken.length > 24000, spoken.length + " samples");
        assertTrue(Arrays.stream(toInts(spoken)).map(Math::abs).max().orElse(0) > 1000, "the audio is not silence");

        JsonNode interrupt = live.path("interrupt");
        System.out.println("Live interruption: " + interrupt);
        assertTrue(interrupt.path("audioBefore").asInt() > 0, interrupt.toString());
        assertEquals(0, interrupt.path("turnCompleteBefore").asInt(), "interrupted while speaking: " + interrupt);
        assertEquals(0, interrupt.path("audioAfter").asInt(), "no audio of the answer after 'interrupted': " + interrupt);
        JsonNode marked = live.path("activityInterrupt");
        System.out.println("Live interruption by activityStart: " + marked);
        assertTrue(marked.path("audioBefore").asInt() > 0, marked.toString());
        assertEquals(0, marked.path("audioAfter").asInt(), "nothing of the answer follows 'interrupted' in 3 s: " + marked);
        assertEquals(0, marked.path("turnCompleteAfter").asInt(), "an interrupted turn does not complete: " + marked);

        assertTrue(live.path("badVoice").path("reason").asText().contains("voiceName 'nobody' is not a voice here"), live.toString());
        assertTrue(live.path("twoModalities").path("reason").asText().contains("one modality per Live session"), live.toString());
    }

    private static String letters(String s) {
        return s.codePoints().filter(Character::isLetterOrDigit).collect(StringBuilder::new, StringBuilder::appendCodePoint,
                StringBuilder::append).toString();
    }

    private static int[] toInts(short[] pcm) {
        int[] out = new int[pcm.length];
        for (int i = 0; i < pcm.length; i++) {
            out[i] = pcm[i];
        }
        return out;
    }
}
