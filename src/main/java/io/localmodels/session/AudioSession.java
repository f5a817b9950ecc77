package io.localmodels.session;

import io.localmodels.audio.AudioDecoder;
import io.localmodels.audio.CorruptAudioException;
import io.localmodels.audio.Downmix;
import io.localmodels.audio.Resampler;
import io.localmodels.audio.StreamFormat;
import io.localmodels.vad.SileroVad;
import io.localmodels.vad.Utterance;
import io.localmodels.vad.VadEvent;
import io.localmodels.vad.VadStream;
import io.localmodels.vad.WindowScorer;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import org.jboss.logging.Logger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One audio session. The transport offers frames from its I/O thread; they travel through one
 * Mutiny stream, serial per session, on the shared audio executor: decode → downmix → resample to
 * 16 kHz → Silero VAD → boundary events and utterances. A session outlives its socket: events
 * produced while no socket is attached wait in a bounded outbox and go out when it resumes.
 */
public final class AudioSession {

    private static final Logger LOG = Logger.getLogger(AudioSession.class);

    public enum Offer { ACCEPTED, DUPLICATE, OVERLOADED, ENDED }

    enum State { ACTIVE, ENDED }

    private sealed interface Work {
        record Audio(byte[] bytes) implements Work {
        }

        record Attach(SessionListener listener, boolean resumed) implements Work {
        }

        record End() implements Work {
        }
    }

    /** What the session needs from the service around it. */
    interface Host {
        void ended(AudioSession session);

        void audioProcessed(double seconds);

        void undeliveredDropped();
    }

    private final String id;
    private final StreamSettings settings;
    private final AudioDecoder decoder;
    private final Resampler resampler;
    private final VadStream vad;
    private final Executor executor;
    private static final java.time.Duration RECOGNITION_DRAIN_TIMEOUT = java.time.Duration.ofSeconds(120);
    private final UtteranceSink sink;
    private final SessionArchive archive;
    private final Host host;
    private final long maxBufferedBytes;
    private final long maxFrames;
    private final int maxUndelivered;
    private final MessageDigest digest;
    private final UnicastProcessor<Work> inbox = UnicastProcessor.create();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final Object deliveryLock = new Object();
    private final ArrayDeque<SessionEvent> outbox = new ArrayDeque<>();

    private volatile State state = State.ACTIVE;
    private volatile SessionListener listener;
    private volatile long lastAudioNanos = System.nanoTime();
    private volatile long detachedAtNanos = -1;
    /** Highest audio_chunk id accepted; lower or equal ids are re-sends. */
    private long lastChunkId = Long.MIN_VALUE;
    private long receivedFrames;
    private int segments;
    // Recognition results arrive out of order from the ASR pool; they are released in segment order.
    private final Object asrLock = new Object();
    private final ArrayDeque<Integer> awaiting = new ArrayDeque<>();
    private final java.util.Map<Integer, Object> recognised = new java.util.HashMap<>();
    private final java.util.List<Recognition> transcript = new java.util.ArrayList<>();
    private CompletableFuture<Void> drained;
    private boolean unavailableSent;

    AudioSession(String id, StreamSettings settings, SileroVad silero, WindowScorer scorer, UtteranceSink sink, SessionArchive archive,
                 Host host, Executor executor, long maxBufferedBytes, long maxSessionSeconds, int maxUndelivered, int firstSegmentId) {
        this.id = id;
        this.settings = settings;
        this.decoder = AudioDecoder.forFormat(settings.format());
        this.resampler = Resampler.create(settings.format().sampleRate(), SileroVad.SAMPLE_RATE);
        this.vad = new VadStream(scorer, silero, settings.vad(), firstSegmentId);
        this.executor = executor;
        this.sink = sink;
        this.archive = archive;
        this.host = host;
        this.maxBufferedBytes = maxBufferedBytes;
        this.maxFrames = maxSessionSeconds * settings.format().sampleRate();
        this.maxUndelivered = maxUndelivered;
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        // One stream per session: items are handled one after another (concatenate), each on the
        // audio executor, while VAD scoring waits without holding a thread.
        archive.started(id, settings.language());
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
        return state == State.ENDED;
    }

    public boolean attached() {
        return listener != null;
    }

    long lastAudioNanos() {
        return lastAudioNanos;
    }

    long detachedAtNanos() {
        return detachedAtNanos;
    }

    /** Accepts a frame unless it is a re-send, the buffer is full, or the session has ended. */
    public Offer offer(byte[] bytes, Long chunkId) {
        if (state == State.ENDED) {
            return Offer.ENDED;
        }
        synchronized (this) {
            if (chunkId != null) {
                if (chunkId <= lastChunkId) {
                    return Offer.DUPLICATE;
                }
            }
            if (pendingBytes.get() + bytes.length > maxBufferedBytes) {
                return Offer.OVERLOADED;
            }
            if (chunkId != null) {
                lastChunkId = chunkId;
            }
            pendingBytes.addAndGet(bytes.length);
            lastAudioNanos = System.nanoTime();
        }
        enqueue(new Work.Audio(bytes));
        return Offer.ACCEPTED;
    }

    /** Attaches a transport; it gets {@link SessionEvent.Attached} once everything before it is processed. */
    void attach(SessionListener newListener, boolean resumed) {
        synchronized (deliveryLock) {
            SessionListener old = listener;
            if (old != null && old != newListener) {
                old.deliver(new SessionEvent.Error("session_taken_over",
                        "session " + id + " was resumed on another connection", true, 1000));
            }
            // Until the Attach work runs, events still go to the outbox (in order).
            listener = null;
            detachedAtNanos = System.nanoTime();
        }
        lastAudioNanos = System.nanoTime();
        enqueue(new Work.Attach(newListener, resumed));
    }

    /** The transport went away; the session stays resumable. */
    void detach(SessionListener gone) {
        synchronized (deliveryLock) {
            if (listener == gone) {
                listener = null;
                detachedAtNanos = System.nanoTime();
            }
        }
    }

    public void end() {
        if (state != State.ENDED) {
            enqueue(new Work.End());
        }
    }

    /** Ends the session without a client (resume window over, or shutdown). */
    void expire() {
        state = State.ENDED;
        completeInbox();
    }

    /** The resume window closed without end_of_stream: end it, and still analyse and store what was said. */
    void abandon() {
        expire();
        recognitionsDrained().thenCompose(ignored -> archive.finish(id, settings.language(), transcript()));
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

    /**
     * The server is going down: the client is told to reconnect (to this or another replica) with
     * its session_id, and its socket is closed with 1012; what was transcribed is already stored.
     */
    void shutdownNotice(long retryAfterMillis) {
        synchronized (deliveryLock) {
            SessionListener l = listener;
            if (l != null) {
                l.deliver(new SessionEvent.Reconnect(id, "the server is shutting down", retryAfterMillis));
                l.close(1012, "server restart");
            }
        }
    }

    /** Completes once every utterance handed to recognition has been answered (and stored). */
    CompletionStage<Void> settled() {
        return recognitionsDrained();
    }

    /** Tells the attached client it was idle too long and closes its socket. */
    void idleTimeout(long idleSeconds) {
        deliver(new SessionEvent.Error("idle_timeout", "no audio for " + idleSeconds
                + " s; the session can be resumed with its session_id", true, 1000));
    }

    private Uni<Void> process(Work work) {
        if (work instanceof Work.Audio a) {
            return processAudio(a.bytes());
        }
        if (work instanceof Work.Attach at) {
            synchronized (deliveryLock) {
                listener = at.listener();
                detachedAtNanos = -1;
                at.listener().deliver(attachedEvent(at.resumed()));
                while (!outbox.isEmpty()) {
                    at.listener().deliver(outbox.poll());
                }
            }
            return Uni.createFrom().voidItem();
        }
        return finish(null);
    }

    private Uni<Void> processAudio(byte[] bytes) {
        if (state == State.ENDED) {
            pendingBytes.addAndGet(-bytes.length);
            return Uni.createFrom().voidItem();
        }
        short[] pcm;
        try {
            pcm = decoder.decode(bytes);
        } catch (CorruptAudioException e) {
            pendingBytes.addAndGet(-bytes.length);
            deliver(SessionEvent.Error.nonFatal("invalid_audio", e.getMessage() + "; the frame was dropped"));
            return Uni.createFrom().voidItem();
        }
        updateDigest(pcm);
        archive.audio(id, pcm);
        int channels = settings.format().channels();
        receivedFrames += pcm.length / channels;
        host.audioProcessed(pcm.length / (double) channels / settings.format().sampleRate());
        float[] resampled = resampler.process(Downmix.toMonoFloat(pcm, channels));
        return vadStage(vad.accept(resampled))
                .onTermination().invoke(() -> pendingBytes.addAndGet(-bytes.length))
                .onItem().transformToUni(ignored -> receivedFrames > maxFrames
                        ? finish(new SessionEvent.Error("session_too_long", "the session passed the "
                        + maxFrames / settings.format().sampleRate() + " s limit (lma.audio.max-session-duration)", true, 1008))
                        : Uni.createFrom().voidItem())
                .onFailure().recoverWithUni(this::failed);
    }

    /** Waits for the VAD's answer, then hands its events on, back on the audio executor. */
    private Uni<Void> vadStage(java.util.concurrent.CompletionStage<List<VadEvent>> stage) {
        return Uni.createFrom().completionStage(stage).emitOn(executor).onItem().invoke(this::handle).replaceWithVoid();
    }

    private Uni<Void> failed(Throwable e) {
        LOG.errorf(e, "session %s: processing failed", id);
        return finish(new SessionEvent.Error("internal_error", "audio processing failed: " + e.getMessage(), true, 1011));
    }

    private Uni<Void> finish(SessionEvent.Error error) {
        if (state == State.ENDED) {
            return Uni.createFrom().voidItem();
        }
        return vadStage(vad.accept(resampler.flush()))
                .chain(() -> vadStage(vad.finish()))
                .onFailure().invoke(e -> LOG.errorf(e, "session %s: flushing the VAD failed", id))
                .onFailure().recoverWithNull()
                // partial results of the last utterances go out before stream_ended
                .chain(() -> Uni.createFrom().completionStage(recognitionsDrained())
                        .ifNoItem().after(RECOGNITION_DRAIN_TIMEOUT).recoverWithItem((Void) null)
                        .emitOn(executor))
                // the analysis runs on its own executor; the document goes out before stream_ended
                .chain(() -> Uni.createFrom().completionStage(archive.finish(id, settings.language(), transcript())).emitOn(executor))
                .invoke(doc -> deliver(new SessionEvent.FinalResult(id, doc)))
                .invoke(() -> ended(error))
                .replaceWithVoid();
    }

    private void ended(SessionEvent.Error error) {
        if (state == State.ENDED) {
            return;
        }
        state = State.ENDED;
        deliver(new SessionEvent.Ended(id, seconds(), receivedFrames, sha256(), segments));
        if (error != null) {
            deliver(error);
        } else {
            synchronized (deliveryLock) {
                if (listener != null) {
                    listener.close(1000, "end of stream");
                }
            }
        }
        completeInbox();
        host.ended(this);
    }

    private void handle(List<VadEvent> events) {
        for (VadEvent e : events) {
            if (e instanceof VadEvent.SpeechStarted s) {
                deliver(new SessionEvent.SpeechStarted(id, round(s.start())));
            } else if (e instanceof VadEvent.SpeechStopped s) {
                segments++;
                var u = s.utterance();
                deliver(new SessionEvent.SpeechStopped(id, u.segmentId(), round(u.startSeconds()), round(u.endSeconds())));
                recognise(u);
            }
        }
    }

    private void recognise(Utterance u) {
        CompletionStage<Recognition> stage;
        try {
            stage = sink.recognise(id, settings.language(), u);
        } catch (RecognitionRefused r) {
            boolean unavailable = r.code().equals("asr_unavailable");
            if (!unavailable) {
                deliver(SessionEvent.Error.nonFatal(r.code(), "segment " + u.segmentId() + " was not transcribed: " + r.getMessage()));
            } else if (!unavailableSent) {
                unavailableSent = true;
                deliver(new SessionEvent.Notice(id, r.code(), r.getMessage() + "; this session gets speech boundaries without transcripts"));
            }
            return;
        }
        synchronized (asrLock) {
            awaiting.add(u.segmentId());
        }
        stage.whenComplete((recognition, failure) -> recognised(u.segmentId(), recognition, failure));
    }

    private void recognised(int segmentId, Recognition recognition, Throwable failure) {
        synchronized (asrLock) {
            Object outcome = recognition;
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                LOG.warnf("session %s: segment %d not transcribed: %s", id, segmentId, cause.toString());
                outcome = SessionEvent.Error.nonFatal("asr_failed", "segment " + segmentId + " was not transcribed: " + cause.getMessage());
            }
            recognised.put(segmentId, outcome);
            while (!awaiting.isEmpty() && recognised.containsKey(awaiting.peek())) {
                Object next = recognised.remove(awaiting.poll());
                if (next instanceof Recognition r) {
                    transcript.add(r);
                    archive.segment(id, r);
                    deliver(new SessionEvent.PartialResult(id, r));
                } else {
                    deliver((SessionEvent) next);
                }
            }
            if (awaiting.isEmpty() && drained != null) {
                drained.complete(null);
            }
        }
    }

    /** Completes when every utterance handed to recognition so far has been answered. */
    private CompletionStage<Void> recognitionsDrained() {
        synchronized (asrLock) {
            if (awaiting.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            // one future for every waiter (end of stream, a shutdown drain): a second call must not orphan the first
            if (drained == null || drained.isDone()) {
                drained = new CompletableFuture<>();
            }
            return drained;
        }
    }

    /** The recognised utterances so far, in segment order. */
    public java.util.List<Recognition> transcript() {
        synchronized (asrLock) {
            return java.util.List.copyOf(transcript);
        }
    }

    private void deliver(SessionEvent event) {
        synchronized (deliveryLock) {
            SessionListener l = listener;
            if (l != null) {
                l.deliver(event);
                return;
            }
            if (outbox.size() >= maxUndelivered) {
                outbox.poll();
                host.undeliveredDropped();
            }
            outbox.add(event);
        }
    }

    private SessionEvent.Attached attachedEvent(boolean resumed) {
        StreamFormat f = settings.format();
        return new SessionEvent.Attached(id, f.sampleRate(), f.encoding().wireName(), f.channels(), settings.language(),
                resumed, seconds(), receivedFrames, sha256());
    }

    private double seconds() {
        return round(receivedFrames / (double) settings.format().sampleRate());
    }

    private void updateDigest(short[] pcm) {
        byte[] le = new byte[pcm.length * 2];
        for (int i = 0; i < pcm.length; i++) {
            le[2 * i] = (byte) pcm[i];
            le[2 * i + 1] = (byte) (pcm[i] >> 8);
        }
        digest.update(le);
    }

    /** SHA-256 of every decoded sample so far (little-endian int16, interleaved): what the server holds. */
    private String sha256() {
        try {
            return HexFormat.of().formatHex(((MessageDigest) digest.clone()).digest());
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
