package io.localmodels.session;

import io.localmodels.vad.Utterance;

/** The next stage after the VAD (speech recognition); receives each utterance in order. */
public interface UtteranceSink {

    void accept(String sessionId, String language, Utterance utterance);

    /** Used while no recogniser is configured. */
    UtteranceSink NONE = (sessionId, language, utterance) -> { };
}
