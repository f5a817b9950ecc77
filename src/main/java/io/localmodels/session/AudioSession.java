package io.localmodels.session;

import io.localmodels.analysis.TranscriptLine;
import io.localmodels.audio.AudioFrontEnd;
import io.localmodels.audio.CorruptAudioException;
import io.localmodels.audio.StreamFormat;
import io.localmodels.vad.SileroVad;
import io.localmodels.vad.VadEvent;
import io.localmodels.vad.VadStream;
import io.localmodels.vad.WindowScorer;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One audio session. The transport offers frames from its I/O thread; they travel through one
 * Mutiny stream, serial per session, on the shared audio executor: decode → downmix → resample to
 * 16 kHz → Silero VAD → boundary events and utterances. A session outlives its socket: events
 * produced while no socket is attached wait in a bounded outbox and go out when it resumes; what it
 * holds is checkpointed to the store so that it also outlives the process.
 */
public final class AudioSession {

    /** An empty step, shared: most frames end with nothing more to do. */
    private static final Uni<Void> DONE = Uni.createFrom().voidItem();
    private static final Logger LOG = Logger.getLogger(AudioSession.class);
    private static final Duration RECOGNITION_DRAIN_TIMEOUT = Duration.ofSeconds(120);

    private sealed interface Work {
        record Audio(byte[] bytes, Long chunkId) implements Work {
        }

        record Attach(SessionListener listener, boolean resumed) implements Work {
        }

        /** end_of_stream, or the resume window closed: close open speech, analyse, store, end. */
        record End() implements Work {
        }

        /** The client's audio paused (Gemini Live's audioStreamEnd): close open speech; the session goes on. */
        record Pause() implements Work {
        }

        /** The server is going away: close open speech, transcribe and checkpoint everything, take nothing more. */
        record Cut(CompletableFuture<Void> done) implements Work {
        }
    }

    /** What the session needs from the service around it. */
    interface Host {
        void ended(AudioSession session);

        void audioProcessed(double seconds);

        void undeliveredDropped();
    }

    /**
     * Where a session starts: a new one, or one continued after a restart from its stored checkpoint;
     * {@code labelsBefore}: the highest speaker label (Sn) its stored lines use.
     */
    record Start(int firstSegmentId, AudioCheckpoint checkpoint, int labelsBefore, List<TranscriptLine> stored) {
        static final Start NEW = new Start(1, null, 0, List.of());
    }

    private final String id;
    private final StreamSettings settings;
    private final AudioFrontEnd frontEnd;
    private final VadStream vad;
    private final Executor executor;
    private final SessionArchive archive;
    private final Host host;
    private final long maxFrames;
    private final FrameAdmission admission;
    private final AudioLedger ledger;
    private final UtteranceRelay utterances;
    private final boolean restored;
    private final UnicastProcessor<Work> inbox = UnicastProcessor.create();
    private final Outbox outbox;

    private volatile boolean ended;
    private volatile boolean ending;
    private volatile boolean windowClosed;
    private volatile long lastAudioNanos = System.nanoTime();
    // pipeline-thread state
    private final List<TranscriptLine> storedBefore;
    /** Whether the client was told that the store is unreachable and its session waits in the backlog. */
    private final AtomicBoolean toldStoreDeferred = new AtomicBoolean();
    private final SpeakerStage speakers;

    AudioSession(String id, StreamSettings settings, SileroVad silero, WindowScorer scorer, UtteranceSink sink, SessionArchive archive,
                 Host host, Executor executor, long maxBufferedBytes, long maxSessionSeconds, int maxUndelivered,
                 Duration checkpointEvery, Start start, long interimIntervalSamples, SpeakerStage speakers) {
        this.speakers = speakers;
        this.id = id;
        this.settings = settings;
        StreamFormat f = settings.format();
        this.frontEnd = new AudioFrontEnd(f, SileroVad.SAMPLE_RATE);
        this.vad = new VadStream(scorer, silero, settings.vad(), start.firstSegmentId());
        this.executor = executor;
        this.archive = archive;
        this.host = host;
        this.maxFrames = maxSessionSeconds * f.sampleRate();
        this.outbox = new Outbox(maxUndelivered, host::undeliveredDropped);
        AudioCheckpoint from = start.checkpoint();
        this.restored = from != null;
        this.admission = new FrameAdmission(f, maxBufferedBytes, from);
        this.ledger = new AudioLedger(f, from, checkpointEvery);
        long offset16k = Math.round(ledger.samples() * (double) SileroVad.SAMPLE_RATE / f.sampleRate());
        this.storedBefore = start.stored();
        this.utterances = new UtteranceRelay(id, settings, sink, speakers, archive, offset16k, start.stored(), interimIntervalSamples,
                this::deliver, this::storeDeferred);
        archive.started(id, settings.language(), this::storeDeferred);
        if (speakers.unavailable() != null) {
            deliver(new SessionEvent.Notice(id, "speakers_unavailable", "every line is S1: " + speakers.unavailable()));
        }
        if (from == null) {
            archive.checkpoint(id, checkpointNow(), this::storeDeferred);
        }
        // One stream per session: items are handled one after another (concatenate), each on the
        // audio executor, while VAD scoring waits without holding a thread.
        inbox.emitOn(executor)
                .onItem().transformToUniAndConcatenate(this::process)
                .subscribe().with(ignored -> { }, failure -> LOG.errorf(failure, "session %s: audio pipeline failed", id));
    }

    public String id() {
        return id;
    }

    public StreamFormat format() {
        return settings.format();
    }

    public boolean ended() {
        return ended;
    }

    /** It is ending (or ended) because its resume window closed, not because the client ended it. */
    boolean windowClosed() {
        return windowClosed;
    }

    /** end_of_stream was received or the session is otherwise finishing: it cannot be resumed. */
    boolean closing() {
        return ending || ended;
    }

    public boolean attached() {
        return outbox.attached();
    }

    long lastAudioNanos() {
        return lastAudioNanos;
    }

    long detachedAtNanos() {
        return outbox.detachedAtNanos();
    }

    /** Takes a frame unless it is a re-send, the session has ended, or it would leave a hole (see {@link FrameAdmission}). */
    public FrameAdmission.Decision offer(byte[] bytes, Long chunkId) {
        FrameAdmission.Decision d = admission.offer(bytes, chunkId);
        if (d instanceof FrameAdmission.Decision.Accepted a) {
            lastAudioNanos = System.nanoTime();
            enqueue(new Work.Audio(a.taken(), chunkId));
        }
        return d;
    }

    /** resume_audio: the client continues at byte {@code receivedBytes}; null when taken, else where the session's audio ends. */
    public FrameAdmission.Position resumeAudio(long receivedBytes) {
        return admission.resume(receivedBytes) ? null : admission.position();
    }

    /** Attaches a transport; it gets {@link SessionEvent.Attached} once everything before it is processed. */
    void attach(SessionListener newListener, boolean resumed) {
        // until the Attach work runs (after everything before it), events still go to the outbox, in order
        outbox.handOver(newListener, id);
        if (resumed) {
            admission.reattached();
        }
        lastAudioNanos = System.nanoTime();
        enqueue(new Work.Attach(newListener, resumed || restored));
    }

    /** The transport went away; the session stays resumable. */
    void detach(SessionListener gone) {
        outbox.detach(gone);
    }

    /**
     * end_of_stream. Refused while audio is being refused (see {@link FrameAdmission}): answers the
     * position the client must continue from first; null when the session is ending.
     */
    public FrameAdmission.Position end() {
        if (closing()) {
            return null;
        }
        FrameAdmission.Position gap = admission.closeUnlessRefusing();
        if (gap == null) {
            ending = true;
            enqueue(new Work.End());
        }
        return gap;
    }

    /** The resume window closed without end_of_stream: end it as end_of_stream would (open speech included), no client. */
    void abandon() {
        if (!closing()) {
            windowClosed = true;
            ending = true;
            admission.close();
            enqueue(new Work.End());
        }
    }

    /** The client's microphone paused: speech open now ends here and is transcribed; later audio continues the session. */
    public void pause() {
        if (!closing()) {
            enqueue(new Work.Pause());
        }
    }

    /** Shutdown of the process: stop at once (what could be stored was stored by the drain). */
    void expire() {
        ended = true;
        admission.close();
        completeInbox();
    }

    /**
     * The server is going away: open speech is closed and transcribed, and a checkpoint covering
     * everything taken is stored, so another replica continues exactly here. Completes then.
     */
    CompletionStage<Void> cut() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closing()) {
            return utterances.drained();
        }
        admission.close();
        enqueue(new Work.Cut(done));
        return done;
    }

    /**
     * Signals into the stream one at a time: frames of a resumed session can come from two
     * connections' I/O threads, and completion from housekeeping, while Reactive Streams requires
     * serial signals.
     */
    private void enqueue(Work work) {
        synchronized (inbox) {
            inbox.onNext(work);
        }
    }

    private void completeInbox() {
        synchronized (inbox) {
            inbox.onComplete();
        }
    }

    /** The client is told to reconnect (to this or another replica) with its session_id; its socket closes with 1012. */
    void shutdownNotice(long retryAfterMillis) {
        outbox.closeAttached(new SessionEvent.Reconnect(id, "the server is shutting down", retryAfterMillis), 1012, "server restart");
    }

    /** Tells the attached client it was idle too long and closes its socket. */
    void idleTimeout(long idleSeconds) {
        deliver(new SessionEvent.Error("idle_timeout", "no audio for " + idleSeconds
                + " s; the session can be resumed with its session_id", true, 1000));
    }

    private Uni<Void> process(Work work) {
        if (work instanceof Work.Audio a) {
            return processAudio(a.bytes(), a.chunkId());
        }
        if (work instanceof Work.Attach at) {
            outbox.attach(at.listener(), attachedEvent(at.resumed()));
            return DONE;
        }
        if (work instanceof Work.Pause) {
            return ended ? DONE
                    : vadStage(CompletableFuture.completedFuture(vad.pause())).invoke(this::maybeCheckpoint);
        }
        if (work instanceof Work.Cut c) {
            return closeSpeech()
                    .invoke(() -> utterances.checkpoint(checkpointNow()))
                    .chain(() -> Uni.createFrom().completionStage(utterances.drained()))
                    .invoke(() -> c.done().complete(null))
                    .onFailure().invoke(c.done()::completeExceptionally)
                    .onFailure().recoverWithNull()
                    .replaceWithVoid();
        }
        return finish(null);
    }

    private Uni<Void> processAudio(byte[] bytes, Long chunkId) {
        if (ended) {
            admission.processed(bytes.length);
            return DONE;
        }
        short[] pcm;
        try {
            pcm = frontEnd.decode(bytes);
        } catch (CorruptAudioException e) {
            admission.processed(bytes.length);
            ledger.dropped(bytes.length);
            deliver(SessionEvent.Error.nonFatal("invalid_audio", e.getMessage() + "; the frame was dropped"));
            return DONE;
        }
        ledger.decoded(pcm, bytes.length, chunkId);
        archive.audio(id, pcm);
        host.audioProcessed(pcm.length / (double) settings.format().channels() / settings.format().sampleRate());
        int length = bytes.length;
        return vadStage(vad.accept(frontEnd.toTarget(pcm)))
                .onItemOrFailure().transformToUni((ignored, failure) -> {
                    admission.processed(length);
                    if (failure != null) {
                        return failed(failure);
                    }
                    maybeCheckpoint();
                    return ledger.samples() > maxFrames
                            ? finish(new SessionEvent.Error("session_too_long", "the session passed the "
                            + maxFrames / settings.format().sampleRate() + " s limit (lma.audio.max-session-duration)", true, 1008))
                            : DONE;
                })
                .onFailure().recoverWithUni(this::failed);
    }

    /** At a pause (no speech open), every so often: the store learns how far the session's audio is accounted for. */
    private void maybeCheckpoint() {
        if (vad.idle() && frontEnd.pendingBytes() == 0 && ledger.checkpointDue()) {
            utterances.checkpoint(checkpointNow());
        }
    }

    private AudioCheckpoint checkpointNow() {
        return ledger.checkpoint(frontEnd.pendingBytes());
    }

    /**
     * Hands the VAD's events on: at once when they are already there (the VAD scored on this thread),
     * else back on the audio executor once the inference thread answers. Few operators on purpose:
     * this runs for every frame of every session, and each Mutiny operator built here costs a capture
     * of the thread contexts.
     */
    private Uni<Void> vadStage(CompletionStage<List<VadEvent>> stage) {
        CompletableFuture<List<VadEvent>> f = stage.toCompletableFuture();
        if (f.isDone() && !f.isCompletedExceptionally()) {
            return handled(f.join());
        }
        return Uni.createFrom().completionStage(stage).emitOn(executor).onItem().transformToUni(this::handled);
    }

    /** The VAD's events of one step, handed on in order. */
    private Uni<Void> handled(List<VadEvent> events) {
        try {
            utterances.handle(events, vad);
            return DONE;
        } catch (RuntimeException e) {
            return Uni.createFrom().failure(e);
        }
    }

    private Uni<Void> failed(Throwable e) {
        LOG.errorf(e, "session %s: processing failed", id);
        return finish(new SessionEvent.Error("internal_error", "audio processing failed: " + e.getMessage(), true, 1011));
    }

    /** Flushes the resampler and closes open speech as the end of the stream does. */
    private Uni<Void> closeSpeech() {
        return vadStage(vad.accept(frontEnd.flush()))
                .chain(() -> vadStage(vad.finish()))
                .onFailure().invoke(e -> LOG.errorf(e, "session %s: flushing the VAD failed", id))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> finish(SessionEvent.Error error) {
        if (ended) {
            return DONE;
        }
        ending = true;
        admission.close();
        return closeSpeech()
                // partial results of the last utterances go out before stream_ended
                .chain(() -> Uni.createFrom().completionStage(utterances.drained())
                        .ifNoItem().after(RECOGNITION_DRAIN_TIMEOUT).recoverWithItem((Void) null)
                        .emitOn(executor))
                // every utterance labelled before the whole session is clustered again
                .chain(() -> Uni.createFrom().completionStage(speakers.settled()).replaceWithVoid()
                        .ifNoItem().after(RECOGNITION_DRAIN_TIMEOUT).recoverWithItem((Void) null)
                        .onFailure().recoverWithNull()
                        .emitOn(executor))
                // the analysis runs on its own executor; the document goes out before stream_ended
                .chain(() -> Uni.createFrom().completionStage(archive.finish(id, settings.language(), utterances.finalTranscript(), storedBefore))
                        .emitOn(executor))
                .invoke(done -> deliver(new SessionEvent.FinalResult(id, done.document())))
                .invoke(done -> ended(error, done.stored()))
                .replaceWithVoid();
    }

    private void ended(SessionEvent.Error error, boolean stored) {
        if (ended) {
            return;
        }
        ended = true;
        deliver(new SessionEvent.Ended(id, ledger.seconds(), ledger.samples(), ledger.sha256(), utterances.segments(), stored));
        if (error != null) {
            deliver(error);
        } else {
            outbox.closeAttached(null, 1000, "end of stream");
        }
        completeInbox();
        host.ended(this);
    }

    /** Once per session: its writes wait in the backlog because the store cannot be reached (runs on the store writer). */
    private void storeDeferred() {
        if (toldStoreDeferred.compareAndSet(false, true)) {
            deliver(new SessionEvent.Notice(id, "store_delayed", "the session store cannot be reached; what this session says is kept"
                    + " on the server and stored, in order, when the store is back"));
        }
    }

    /** The recognised utterances so far, in segment order. */
    public List<Recognition> transcript() {
        return utterances.transcript();
    }

    private void deliver(SessionEvent event) {
        outbox.deliver(event);
    }

    private SessionEvent.Attached attachedEvent(boolean resumed) {
        StreamFormat f = settings.format();
        return new SessionEvent.Attached(id, f.sampleRate(), f.encoding().wireName(), f.channels(), settings.language(),
                resumed, ledger.seconds(), ledger.samples(), ledger.bytes(), ledger.lastChunkId(), ledger.sha256());
    }
}
