package io.localmodels.session;

import java.util.List;

/**
 * What recognition made of one utterance. {@code start}/{@code end} are session seconds inside the
 * utterance; {@code dropped} names the hallucination check that discarded the text (then it is empty).
 */
public record Recognition(int segmentId, double start, double end, String text, String language, double avgLogprob,
                          double noSpeechProb, String dropped, List<Piece> pieces) {

    /** A timed piece of the utterance's text (one per Whisper segment). */
    public record Piece(double start, double end, String text) {
    }
}
