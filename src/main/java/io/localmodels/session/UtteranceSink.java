package io.localmodels.session;

import io.localmodels.vad.Utterance;

import java.util.concurrent.CompletionStage;

/** The next stage after the VAD (speech recognition): takes each utterance in order. */
public interface UtteranceSink {

    /**
     * Starts recognising one utterance. Throws {@link RecognitionRefused} at once when it cannot be
     * taken (no recogniser, queue full); the stage fails when recognition itself fails.
     */
    CompletionStage<Recognition> recognise(String sessionId, String language, Utterance utterance);

    /** Used while no recogniser is deployed at all. */
    UtteranceSink NONE = (sessionId, language, utterance) -> {
        throw new RecognitionRefused("asr_unavailable", "no speech recogniser is deployed");
    };
}
