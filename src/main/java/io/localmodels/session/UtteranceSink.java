package io.localmodels.session;

import io.localmodels.vad.Utterance;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/** The next stage after the VAD (speech recognition): takes each utterance in order. */
public interface UtteranceSink {

    /**
     * Starts recognising one utterance. Throws {@link RecognitionRefused} at once when it cannot be
     * taken (no recogniser, queue full); the stage fails when recognition itself fails.
     */
    CompletionStage<Recognition> recognise(String sessionId, String language, Utterance utterance);

    /**
     * Decodes the speech of an utterance still open, at low priority: the text so far, or empty when
     * the recogniser is busy or not there (an interim caption is skipped, never waited for).
     * {@code prompt}: text already committed for this utterance, to keep the decode consistent.
     * {@code audio16k} gives a copy of the {@code samples} so far: asked for only when a decode is taken.
     */
    default Optional<CompletionStage<String>> interim(String language, long samples, Supplier<float[]> audio16k,
                                                                double startSeconds, String prompt) {
        return Optional.empty();
    }

    /** Audio between two interim decodes of an open utterance; zero when this stage gives no interim captions. */
    default Duration interimInterval() {
        return Duration.ZERO;
    }

    /** Used while no recogniser is deployed at all. */
    UtteranceSink NONE = (sessionId, language, utterance) -> {
        throw new RecognitionRefused("asr_unavailable", "no speech recogniser is deployed");
    };
}
