package io.localmodels.session;

import io.localmodels.analysis.TranscriptLine;

import java.util.List;

/**
 * What recognition made of one utterance. {@code start}/{@code end} are session seconds inside the
 * utterance; {@code dropped} names the hallucination check that discarded the text (then it is empty);
 * {@code speaker} is S1 until the session tells speakers apart.
 */
public record Recognition(int segmentId, double start, double end, String text, String language, double avgLogprob,
                          double noSpeechProb, String dropped, List<Piece> pieces, String speaker) {

    public Recognition(int segmentId, double start, double end, String text, String language, double avgLogprob,
                       double noSpeechProb, String dropped, List<Piece> pieces) {
        this(segmentId, start, end, text, language, avgLogprob, noSpeechProb, dropped, pieces, "S1");
    }

    public Recognition withSpeaker(String label) {
        return new Recognition(segmentId, start, end, text, language, avgLogprob, noSpeechProb, dropped, pieces, label);
    }

    /** This utterance as a line of the session's transcript. */
    public TranscriptLine line() {
        return new TranscriptLine(segmentId, speaker, start, end, text);
    }

    /** A timed piece of the utterance's text (one per Whisper segment). */
    public record Piece(double start, double end, String text) {
    }
}
