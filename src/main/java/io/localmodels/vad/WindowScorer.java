package io.localmodels.vad;

import java.util.concurrent.CompletionStage;

/** Speech probabilities for consecutive 512-sample windows of one stream. */
public interface WindowScorer {

    /** Probabilities of {@code count} windows packed in {@code windows}, advancing {@code state}. */
    CompletionStage<float[]> score(SileroVad.State state, float[] windows, int count);
}
