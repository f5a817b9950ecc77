package io.localmodels.session;

import io.localmodels.vad.SileroVad;
import io.localmodels.vad.VadStream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Captions while the wearer speaks: every interval of new speech, the open utterance so far is
 * decoded again (low priority, at most one decode in flight, skipped when the recogniser is busy),
 * and the session gets an interim result. Its {@code stable} part only grows: it is the longest
 * common word prefix of the last two hypotheses (LocalAgreement-2, as ufal/whisper_streaming
 * commits), and later decodes are prompted with it. A result for an utterance that has closed is
 * dropped: the final transcript has taken over.
 */
final class InterimCaptions {

    private final String sessionId;
    private final String language;
    private final UtteranceSink sink;
    private final long intervalSamples;
    private final Consumer<SessionEvent> deliver;
    private final double offsetSeconds;

    // guarded by this: touched by the session's pipeline and by the recogniser's answers
    private int segmentId = Integer.MIN_VALUE;
    private int closedUpTo = Integer.MIN_VALUE;
    private long decodedUpTo;
    private boolean inFlight;
    private List<String> previous;
    private List<String> committed = List.of();

    InterimCaptions(String sessionId, String language, UtteranceSink sink, long intervalSamples, double offsetSeconds,
                    Consumer<SessionEvent> deliver) {
        this.sessionId = sessionId;
        this.language = language;
        this.sink = sink;
        this.intervalSamples = intervalSamples;
        this.offsetSeconds = offsetSeconds;
        this.deliver = deliver;
    }

    /** After the VAD has taken new audio: decodes the open utterance again once enough new speech came. */
    synchronized void heard(VadStream vad) {
        long length = vad.openSpeechSamples();
        int open = vad.openSegmentId();
        if (length < 0 || open <= closedUpTo) {
            return;
        }
        if (open != segmentId) {
            segmentId = open;
            decodedUpTo = 0;
            previous = null;
            committed = List.of();
            inFlight = false;
        }
        if (inFlight || length - decodedUpTo < intervalSamples) {
            return;
        }
        double start = vad.openSpeechStart() / (double) SileroVad.SAMPLE_RATE + offsetSeconds;
        // a skipped decode (recogniser busy) waits for the next interval too, rather than retrying every frame
        decodedUpTo = length;
        var decode = sink.interim(language, length, () -> vad.openSpeech().audio(), start,
                committed.isEmpty() ? null : String.join(" ", committed));
        if (decode.isEmpty()) {
            return;
        }
        inFlight = true;
        CompletionStage<String> stage = decode.get();
        stage.whenComplete((text, failure) -> answered(open, Math.round(start * 1000) / 1000.0, failure == null ? text : null));
    }

    /** The utterance closed (speech_stopped): nothing more is said about it here. */
    synchronized void closed(int id) {
        closedUpTo = Math.max(closedUpTo, id);
    }

    /** Delivered under this lock, so that no interim result can follow its utterance's speech_stopped. */
    private void answered(int id, double start, String text) {
        synchronized (this) {
            if (id != segmentId) {
                return;
            }
            inFlight = false;
            if (text == null || id <= closedUpTo) {
                return;
            }
            List<String> words = words(text);
            committed = agreed(committed, previous, words);
            previous = words;
            List<String> rest = words.subList(Math.min(committed.size(), words.size()), words.size());
            String stable = String.join(" ", committed);
            String unstable = String.join(" ", rest);
            deliver.accept(new SessionEvent.Interim(sessionId, id, start, (stable + " " + unstable).strip(), stable, unstable));
        }
    }

    /**
     * LocalAgreement-2: what the last two hypotheses agree on, word by word from the start, is
     * committed, but only if it extends what was committed before (the committed text never shrinks).
     */
    static List<String> agreed(List<String> committed, List<String> previous, List<String> current) {
        if (previous == null) {
            return committed;
        }
        int n = 0;
        while (n < previous.size() && n < current.size() && previous.get(n).equals(current.get(n))) {
            n++;
        }
        List<String> prefix = current.subList(0, n);
        return n > committed.size() && prefix.subList(0, committed.size()).equals(committed) ? List.copyOf(prefix) : committed;
    }

    static List<String> words(String text) {
        return text == null || text.isBlank() ? List.of() : new ArrayList<>(Arrays.asList(text.strip().split("\\s+")));
    }
}
