package io.localmodels.asr;

import io.localmodels.session.Recognition;
import io.localmodels.session.RecognitionRefused;
import io.localmodels.session.UtteranceSink;
import io.localmodels.vad.Utterance;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** Hands each VAD utterance of a streaming session to the ASR pool as one job. */
@Singleton
public class SessionRecognizer implements UtteranceSink {

    private final AsrService asr;
    private final AsrConfig config;

    public SessionRecognizer(AsrService asr, AsrConfig config) {
        this.asr = asr;
        this.config = config;
    }

    @Override
    public Duration interimInterval() {
        return config.interimInterval();
    }

    @Override
    public CompletionStage<Recognition> recognise(String sessionId, String language, Utterance u) {
        if (asr.loading()) {
            throw new RecognitionRefused("asr_loading", "speech recognition is not ready yet (" + asr.reason() + ")");
        }
        if (asr.state() != AsrService.State.READY) {
            throw new RecognitionRefused("asr_unavailable", "speech recognition is unavailable (" + asr.reason() + ")");
        }
        float[] samples = u.samples().length > LogMelSpectrogram.CHUNK_SAMPLES
                ? Arrays.copyOf(u.samples(), LogMelSpectrogram.CHUNK_SAMPLES) : u.samples();
        try {
            asr.refuseUnsupported(language, AsrRequest.Task.TRANSCRIBE);
        } catch (LanguageUnsupportedException e) {
            throw new RecognitionRefused(LanguageUnsupportedException.CODE, e.getMessage());
        }
        // a session language the model lacks falls back to detection rather than failing every utterance
        String lang = asr.knowsLanguage(language) ? language : null;
        AsrRequest request = new AsrRequest(samples, lang, AsrRequest.Task.TRANSCRIBE, config.streamingTimestamps(), null, u.startSeconds());
        try {
            return asr.submit(request).thenApply(t -> toRecognition(u, t));
        } catch (AsrBusyException e) {
            throw new RecognitionRefused("asr_busy", e.getMessage());
        } catch (AsrUnavailableException e) {
            throw new RecognitionRefused("asr_unavailable", e.getMessage());
        }
    }

    @Override
    public Optional<CompletionStage<String>> interim(String language, long samples, Supplier<float[]> audio16k,
                                                               double startSeconds, String prompt) {
        if (samples > LogMelSpectrogram.CHUNK_SAMPLES || asr.state() != AsrService.State.READY) {
            return Optional.empty(); // no copy of the audio for a decode that would not be taken
        }
        try {
            asr.refuseUnsupported(language, AsrRequest.Task.TRANSCRIBE);
        } catch (LanguageUnsupportedException e) {
            return Optional.empty();
        }
        String lang = asr.knowsLanguage(language) ? language : null;
        return asr.submitInterim(new AsrRequest(audio16k.get(), lang, AsrRequest.Task.TRANSCRIBE, false, prompt, startSeconds))
                .map(f -> f.thenApply(t -> t.text().strip()));
    }

    private static Recognition toRecognition(Utterance u, Transcription t) {
        List<Recognition.Piece> pieces = t.segments().stream()
                .map(s -> new Recognition.Piece(round(s.start()), round(s.end()), s.text().strip())).toList();
        return new Recognition(u.segmentId(), round(u.startSeconds()), round(u.endSeconds()), t.text(), t.language(),
                t.avgLogprob(), t.noSpeechProb(), t.dropped(), pieces);
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
