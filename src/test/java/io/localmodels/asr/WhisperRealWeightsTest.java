package io.localmodels.asr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.localmodels.audio.WavFile;
import io.localmodels.testing.SharedFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real Whisper weights (an onnx-community/whisper-* folder or an optimum-cli export) on real
 * speech. Runs when LMA_WHISPER_DIR points at such a folder (LMA_WHISPER_PRECISION picks the file
 * variant, default fp32); otherwise every test is skipped and says so.
 */
class WhisperRealWeightsTest {

    private static WhisperEngine engine;

    @BeforeAll
    static void open() throws Exception {
        String dir = System.getenv("LMA_WHISPER_DIR");
        if (dir == null || dir.isBlank()) {
            String reason = "SKIPPED: real-weights Whisper suite: LMA_WHISPER_DIR is not set (point it at e.g. a clone of"
                    + " https://huggingface.co/onnx-community/whisper-tiny to run it)";
            System.err.println("*".repeat(100) + "\n" + reason + "\n" + "*".repeat(100));
            Assumptions.abort(reason);
        }
        String precision = System.getenv().getOrDefault("LMA_WHISPER_PRECISION", "fp32");
        WhisperModelFiles files = WhisperModelFiles.find(Path.of(dir), precision, WhisperModelFiles.Layout.AUTO);
        engine = WhisperEngine.open(ai.onnxruntime.OrtEnvironment.getEnvironment(), files, WhisperTestModels.cpuOpener(),
                DecodingOptions.defaults());
    }

    @AfterAll
    static void close() throws Exception {
        if (engine != null) {
            engine.close();
        }
    }

    private static String transcribe(String file, String language) throws Exception {
        WavFile.Decoded audio = WavFile.decode(Files.readAllBytes(SharedFiles.require(file)));
        Transcription t = engine.transcribe(List.of(new AsrRequest(audio.mono16k(), language, AsrRequest.Task.TRANSCRIBE, true, null, 0))).get(0);
        System.out.printf("%s [%s] avg_logprob %.3f no_speech %.3f: %s%n", file, t.language(), t.avgLogprob(), t.noSpeechProb(), t.text());
        return t.text();
    }

    @Test
    void jfkEnglishWithin10PercentWer() throws Exception {
        String text = transcribe("audio/jfk.wav", "en");
        double wer = WordErrorRate.of("And so my fellow Americans, ask not what your country can do for you, ask what you can do for your country.", text);
        assertTrue(wer <= 0.10, "WER " + wer + ": " + text);
    }

    @Test
    void jfkLanguageIsDetectedAsEnglish() throws Exception {
        WavFile.Decoded audio = WavFile.decode(Files.readAllBytes(SharedFiles.require("audio/jfk.wav")));
        Transcription t = engine.transcribe(List.of(new AsrRequest(audio.mono16k(), null, AsrRequest.Task.TRANSCRIBE, false, null, 0))).get(0);
        assertEquals("en", t.language());
    }

    @Test
    void spanishPicovoiceAgainstItsReference() throws Exception {
        JsonNode data = new ObjectMapper().readTree(SharedFiles.require("audio/picovoice/test_data.json").toFile());
        String reference = null;
        for (JsonNode t : data.path("tests").path("language_tests")) {
            if (t.path("audio_file").asText().equals("test_es.wav")) {
                reference = t.path("transcript").asText();
            }
        }
        String text = transcribe("audio/picovoice/test_es.wav", "es");
        double wer = WordErrorRate.of(reference, text);
        assertTrue(wer <= 0.30, "WER " + wer + " against '" + reference + "': " + text);
    }

    @Test
    void spanish44kAgainstItsSrt() throws Exception {
        String srt = Files.readString(SharedFiles.require("audio/es-test-44k.srt"));
        StringBuilder reference = new StringBuilder();
        for (String line : srt.split("\\R")) {
            if (!line.isBlank() && !line.matches("\\d+") && !line.contains("-->")) {
                reference.append(line).append(' ');
            }
        }
        String text = transcribe("audio/es-test-44k.wav", "es");
        double wer = WordErrorRate.of(reference.toString(), text);
        assertTrue(wer <= 0.30, "WER " + wer + " against '" + reference + "': " + text);
    }

    @Test
    void emptyRecordingGivesNoText() throws Exception {
        assertEquals("", transcribe("audio/picovoice/empty.wav", "es"));
    }
}
