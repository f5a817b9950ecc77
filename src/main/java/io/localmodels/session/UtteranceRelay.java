package io.localmodels.session;

import io.localmodels.analysis.TranscriptLine;
import io.localmodels.vad.SileroVad;
import io.localmodels.vad.Utterance;
import io.localmodels.vad.VadEvent;
import io.localmodels.vad.VadStream;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * What becomes of a session's VAD events: a boundary leaves at once; its utterance goes to recognition
 * (and to the voice prints, when speakers are on) off the pipeline thread; the results are released to
 * the client and the store in segment order. Speech a restarted session had already stored is neither
 * sent nor transcribed again. Called on the session's pipeline, one event at a time.
 */
final class UtteranceRelay {

    private static final Logger LOG = Logger.getLogger(UtteranceRelay.class);

    private final String id;
    private final String language;
    private final UtteranceSink sink;
    private final SpeakerStage speakers;
    private final SessionArchive archive;
    private final Consumer<SessionEvent> deliver;
    private final Runnable storeDeferred;
    /** Where this process's audio time 0 sits in the session (16 kHz samples): non-zero after a restart. */
    private final long offset16k;
    /**
     * Continued from a checkpoint: the stored segments that end after it. A process killed after
     * storing them but before its next checkpoint leaves them in the store while the client re-sends
     * their audio; the VAD finds them again, and they must be neither sent nor stored twice.
     */
    private final StoredSpeech alreadyStored;
    private final InOrderRecognitions recognitions;
    private final RefusalNotices refusals = new RefusalNotices();
    /** Null when the session asked for no interim results. */
    private final InterimCaptions interim;
    private int segments;

    UtteranceRelay(String id, StreamSettings settings, UtteranceSink sink, SpeakerStage speakers, SessionArchive archive,
                   long offset16k, List<TranscriptLine> stored, long interimIntervalSamples,
                   Consumer<SessionEvent> deliver, Runnable storeDeferred) {
        this.id = id;
        this.language = settings.language();
        this.sink = sink;
        this.speakers = speakers;
        this.archive = archive;
        this.deliver = deliver;
        this.storeDeferred = storeDeferred;
        this.offset16k = offset16k;
        this.segments = stored.size();
        this.alreadyStored = new StoredSpeech(stored, offsetSeconds());
        this.recognitions = new InOrderRecognitions(new Release());
        this.interim = settings.interim() ? new InterimCaptions(id, language, sink, interimIntervalSamples, offsetSeconds(), deliver)
                : null;
    }

    /** The session's VAD events of one frame, in order; then the interim captions learn how far the VAD got. */
    void handle(List<VadEvent> events, VadStream vad) {
        for (VadEvent e : events) {
            handle(e);
        }
        if (interim != null) {
            interim.heard(vad);
        }
    }

    private void handle(VadEvent e) {
        double offset = offsetSeconds();
        if (e instanceof VadEvent.SpeechStarted s) {
            if (!alreadyStored.holdsStart(s.start() + offset)) {
                deliver.accept(new SessionEvent.SpeechStarted(id, round(s.start() + offset)));
            }
        } else if (e instanceof VadEvent.SpeechStopped s) {
            Utterance v = s.utterance();
            Utterance u = offset16k == 0 ? v
                    : new Utterance(v.segmentId(), v.startSample() + offset16k, v.endSample() + offset16k, v.samples());
            if (interim != null) {
                interim.closed(u.segmentId());
            }
            if (alreadyStored.holds(u.startSeconds(), u.endSeconds())) {
                LOG.debugf("session %s: %.2f-%.2f s was stored before the restart; not transcribed again", id, u.startSeconds(), u.endSeconds());
                return;
            }
            // the boundary leaves now; voice prints and Whisper work on it from here, off this thread
            segments++;
            deliver.accept(new SessionEvent.SpeechStopped(id, u.segmentId(), round(u.startSeconds()), round(u.endSeconds())));
            recognise(u, speakers.on() ? speakers.label(u) : null);
        }
    }

    /** {@code turns}: the utterance's speaker turns as they will be known; null when speakers are off (S1). */
    private void recognise(Utterance u, CompletionStage<List<Recognition.Turn>> turns) {
        CompletionStage<Recognition> stage;
        try {
            CompletionStage<Recognition> heard = sink.recognise(id, language, u);
            stage = turns == null ? heard.thenApply(r -> r.withSpeaker("S1")) : heard.thenCombine(turns, Recognition::withTurns);
        } catch (RecognitionRefused r) {
            refusals.of(id, u.segmentId(), r).ifPresent(deliver);
            return;
        }
        recognitions.expect(u.segmentId());
        stage.whenComplete((recognition, failure) -> recognitions.answered(u.segmentId(), recognition, failure));
    }

    /** Segments of the session so far, stored ones of an earlier process included. */
    int segments() {
        return segments;
    }

    /** Stored once every recognition before it is released, so that a restart never skips an unstored segment. */
    void checkpoint(AudioCheckpoint checkpoint) {
        recognitions.checkpoint(checkpoint);
    }

    /** Completes when every utterance handed on so far has been released. */
    CompletionStage<Void> drained() {
        return recognitions.drained();
    }

    /** The recognised utterances so far, in segment order. */
    List<Recognition> transcript() {
        return recognitions.transcript();
    }

    /** The transcript with the speakers of the whole session clustered again (S1 throughout when speakers are off). */
    List<Recognition> finalTranscript() {
        Map<Integer, String> labels = speakers.finalLabels();
        return transcript().stream().map(r -> r.withSpeaker(labels.getOrDefault(r.segmentId(), r.speaker()))).toList();
    }

    private double offsetSeconds() {
        return offset16k / (double) SileroVad.SAMPLE_RATE;
    }

    static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    /** How released recognitions reach the client and the store. */
    private final class Release implements InOrderRecognitions.Release {
        @Override
        public void transcribed(Recognition r) {
            archive.segment(id, r, storeDeferred);
            deliver.accept(new SessionEvent.PartialResult(id, r));
        }

        @Override
        public void failed(int segmentId, Throwable cause) {
            LOG.warnf("session %s: segment %d not transcribed: %s", id, segmentId, cause.toString());
            deliver.accept(SessionEvent.Error.nonFatal("asr_failed", "segment " + segmentId + " was not transcribed: " + cause.getMessage()));
        }

        @Override
        public void checkpoint(AudioCheckpoint checkpoint) {
            archive.checkpoint(id, checkpoint, storeDeferred);
        }
    }
}
