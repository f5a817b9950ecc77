package io.localmodels.asr;

import io.localmodels.vad.SileroVad;
import io.localmodels.vad.Utterance;
import io.localmodels.vad.VadBatcher;
import io.localmodels.vad.VadConfig;
import io.localmodels.vad.VadEvent;
import io.localmodels.vad.VadParameters;
import io.localmodels.vad.VadStream;
import io.localmodels.vad.WindowScorer;
import jakarta.inject.Singleton;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Whole files through the same pool as streaming sessions: up to 30 s is one window; longer audio
 * is cut into utterances by the VAD (each at most 30 s), which are submitted together and so batch
 * with each other and with live sessions.
 */
@Singleton
public class FileTranscriber {

    /** A file's transcript: the windows' segments in time order, and what was dropped. */
    public record FileTranscript(String language, double duration, List<TranscriptSegment> segments, int droppedWindows) {
        public String text() {
            StringBuilder b = new StringBuilder();
            for (TranscriptSegment s : segments) {
                b.append(s.text());
            }
            return b.toString().strip();
        }
    }

    private final AsrService asr;
    private final SileroVad silero;
    private final WindowScorer scorer;
    private final VadParameters vad;

    public FileTranscriber(AsrService asr, SileroVad silero, VadBatcher scorer, VadConfig vadConfig) {
        this.asr = asr;
        this.silero = silero;
        this.scorer = scorer;
        this.vad = VadParameters.from(vadConfig);
    }

    public CompletionStage<FileTranscript> transcribe(float[] audio16k, String language, AsrRequest.Task task, boolean timestamps,
                                                      String prompt) {
        double duration = audio16k.length / (double) LogMelSpectrogram.SAMPLE_RATE;
        if (audio16k.length <= LogMelSpectrogram.CHUNK_SAMPLES) {
            return submitAll(List.of(new AsrRequest(audio16k, language, task, timestamps, prompt, 0)), language, duration);
        }
        VadStream stream = new VadStream(scorer, silero, vad, 0);
        return stream.accept(audio16k).thenCompose(a -> stream.finish().thenApply(b -> {
            List<AsrRequest> windows = new ArrayList<>();
            for (List<VadEvent> events : List.of(a, b)) {
                for (VadEvent e : events) {
                    if (e instanceof VadEvent.SpeechStopped s) {
                        Utterance u = s.utterance();
                        float[] samples = u.samples().length > LogMelSpectrogram.CHUNK_SAMPLES
                                ? Arrays.copyOf(u.samples(), LogMelSpectrogram.CHUNK_SAMPLES) : u.samples();
                        windows.add(new AsrRequest(samples, language, task, timestamps, prompt, u.startSeconds()));
                    }
                }
            }
            return windows;
        })).thenCompose(windows -> submitAll(windows, language, duration));
    }

    private CompletionStage<FileTranscript> submitAll(List<AsrRequest> windows, String requestedLanguage, double duration) {
        List<CompletableFuture<Transcription>> futures = new ArrayList<>();
        try {
            for (AsrRequest w : windows) {
                futures.add(asr.submit(w));
            }
        } catch (RuntimeException e) {
            futures.forEach(f -> f.cancel(false));
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).thenApply(ignored -> {
            List<TranscriptSegment> segments = new ArrayList<>();
            String language = null;
            int dropped = 0;
            for (CompletableFuture<Transcription> f : futures) {
                Transcription t = f.join();
                language = language == null ? t.language() : language;
                segments.addAll(t.segments());
                dropped += t.dropped() == null ? 0 : 1;
            }
            segments.sort(Comparator.comparingDouble(TranscriptSegment::start));
            return new FileTranscript(language != null ? language : requestedLanguage, duration, segments, dropped);
        });
    }
}
