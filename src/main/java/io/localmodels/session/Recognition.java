package io.localmodels.session;

import io.localmodels.analysis.TranscriptLine;

import java.util.List;

/**
 * What recognition made of one utterance. {@code start}/{@code end} are session seconds inside the
 * utterance; {@code dropped} names the hallucination check that discarded the text (then it is empty);
 * {@code speaker} is S1 until the session tells speakers apart; {@code turns}, when the voice changed
 * inside the utterance, who spoke when (else empty), and {@code speaker} is then the one who spoke longest.
 */
public record Recognition(int segmentId, double start, double end, String text, String language, double avgLogprob,
                          double noSpeechProb, String dropped, List<Piece> pieces, String speaker, List<Turn> turns) {

    public Recognition(int segmentId, double start, double end, String text, String language, double avgLogprob,
                       double noSpeechProb, String dropped, List<Piece> pieces) {
        this(segmentId, start, end, text, language, avgLogprob, noSpeechProb, dropped, pieces, "S1", List.of());
    }

    public Recognition withSpeaker(String label) {
        return new Recognition(segmentId, start, end, text, language, avgLogprob, noSpeechProb, dropped, pieces, label, turns);
    }

    /** With the utterance's speaker turns (in order): one turn is the utterance's speaker, several are kept. */
    public Recognition withTurns(List<Turn> spoken) {
        if (spoken.isEmpty()) {
            return this;
        }
        Turn longest = spoken.get(0);
        for (Turn t : spoken) {
            if (t.end() - t.start() > longest.end() - longest.start()) {
                longest = t;
            }
        }
        return new Recognition(segmentId, start, end, text, language, avgLogprob, noSpeechProb, dropped, pieces, longest.speaker(),
                spoken.size() > 1 ? List.copyOf(spoken) : List.of());
    }

    /** This utterance as a line of the session's transcript. */
    public TranscriptLine line() {
        return new TranscriptLine(segmentId, speaker, start, end, text);
    }

    /** One speaker's stretch of an utterance, in session seconds. */
    public record Turn(double start, double end, String speaker) {
    }

    /** A timed piece of the utterance's text (one per Whisper segment). */
    public record Piece(double start, double end, String text) {
    }
}
