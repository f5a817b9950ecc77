package io.localmodels.asr;

import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.localmodels.audio.WavFile;
import io.localmodels.models.hub.DownloadProgress;
import io.localmodels.models.hub.HubClient;
import io.localmodels.models.hub.HubConfig;
import io.localmodels.models.hub.HubException;
import io.localmodels.models.hub.HubFetcher;
import io.localmodels.models.hub.HubRef;
import io.localmodels.models.hub.HubSettings;
import io.localmodels.testing.SharedFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real Whisper weights (an onnx-community/whisper-* folder or an optimum-cli export) on real
 * speech. Runs when LMA_WHISPER_DIR points at such a folder or names a Hugging Face repository
 * ({@code onnx-community/whisper-tiny}, fetched into the Hugging Face cache when there is network;
 * HF_ENDPOINT / HF_TOKEN / HF_HUB_CACHE apply); LMA_WHISPER_PRECISION picks the file variant
 * (default fp32). Otherwise every test reports itself skipped, each with the reason.
 */
class WhisperRealWeightsTest {

    private static WhisperEngine engine;
    private static String skipped;

    /** Each test calls this first, so a skip counts once per test instead of hiding the suite. */
    private static synchronized void requireEngine() throws Exception {
        if (engine == null && skipped == null) {
            open();
        }
        if (skipped != null) {
            Assumptions.abort(skipped);
        }
    }

    private static void open() throws Exception {
        String where = System.getenv("LMA_WHISPER_DIR");
        if (where == null || where.isBlank()) {
            skipped = "SKIPPED: real-weights Whisper suite: LMA_WHISPER_DIR is not set (point it at a Whisper ONNX export"
                    + " folder, or name a Hub repository such as onnx-community/whisper-tiny, to run it)";
            System.err.println("*".repeat(100) + "\n" + skipped + "\n" + "*".repeat(100));
            return;
        }
        String precision = System.getenv().getOrDefault("LMA_WHISPER_PRECISION", "fp32");
        Path dir = Path.of(where);
        if (!Files.isDirectory(dir) && HubRef.parse(where).isPresent()) {
            HubSettings s = HubSettings.resolve(new NoHubConfig(), System.getenv());
            dir = new HubFetcher(s, new HubClient(s, Duration.ofSeconds(10), Duration.ofSeconds(60)), 3, Duration.ofSeconds(2),
                    Duration.ofSeconds(2), null).fetch(HubRef.parse(where).get(), available -> {
                        try {
                            return WhisperSelection.choose(available, List.of(precision), WhisperModelFiles.Layout.AUTO).files();
                        } catch (WhisperSelection.NotAnExport e) {
                            throw new HubException(HubException.Kind.NOT_FOUND, e.getMessage(), null);
                        }
                    }, new DownloadProgress());
        }
        WhisperModelFiles files = WhisperModelFiles.find(dir, precision, WhisperModelFiles.Layout.AUTO);
        engine = WhisperEngine.open(OrtEnvironment.getEnvironment(), files, WhisperTestModels.cpuOpener(),
                DecodingOptions.defaults());
    }

    /** The environment alone decides (HF_ENDPOINT, HF_HUB_CACHE, HF_TOKEN, HF_HUB_OFFLINE). */
    private static final class NoHubConfig implements HubConfig {
        public Optional<String> endpoint() { return Optional.empty(); }
        public Optional<Path> cacheDir() { return Optional.empty(); }
        public Optional<String> token() { return Optional.empty(); }
        public Optional<Boolean> offline() { return Optional.empty(); }
    }

    @AfterAll
    static void close() throws Exception {
        if (engine != null) {
            engine.close();
        }
    }

    private static String transcribe(String file, String language) throws Exception {
        requireEngine();
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
        requireEngine();
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
