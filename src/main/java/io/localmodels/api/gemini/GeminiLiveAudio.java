package io.localmodels.api.gemini;

import io.localmodels.api.errors.ApiException;
import io.localmodels.api.errors.Failures;
import io.localmodels.asr.AsrConfig;
import io.localmodels.asr.AsrRequest;
import io.localmodels.asr.AsrService;
import io.localmodels.asr.FileTranscriber;
import io.localmodels.audio.AudioEncoding;
import io.localmodels.audio.StreamFormat;
import io.localmodels.audio.WavFile;
import io.localmodels.session.AudioSession;
import io.localmodels.session.AudioSessions;
import io.localmodels.session.FrameAdmission;
import io.localmodels.session.SessionEvent;
import io.localmodels.session.SessionOpenException;
import io.localmodels.session.StreamSettings;
import org.jboss.logging.Logger;

import java.io.ByteArrayOutputStream;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * The audio of one Live conversation. With automatic activity detection it is an audio session like
 * {@code /ws/audio}'s (Silero VAD, Whisper per utterance, stored and resumable): opened at the first
 * chunk, at that chunk's rate. With detection off, the audio between the client's activityStart and
 * activityEnd is transcribed as one file. Either way a transcript becomes the conversation's user turn.
 * Refusals are {@link ApiException}s; the socket closes with them.
 */
final class GeminiLiveAudio {

    private static final Logger LOG = Logger.getLogger(GeminiLiveAudio.class);

    /** Makes the audio side of a conversation (the services it needs come from the socket). */
    interface Factory {
        GeminiLiveAudio create(GeminiLiveConversation conversation);
    }

    private final GeminiLiveConversation conversation;
    private final AudioSessions sessions;
    private final FileTranscriber transcriber;
    private final AsrService asr;
    private final long maxActivityBytesPerRate;
    /** Guards the session and the activity buffer; never held while the conversation's state lock is wanted. */
    private final Object lock = new Object();
    private AudioSession session;
    private ByteArrayOutputStream activity;
    private int activityRate;

    GeminiLiveAudio(GeminiLiveConversation conversation, AudioSessions sessions, FileTranscriber transcriber, AsrService asr,
                    AsrConfig asrConfig) {
        this.conversation = conversation;
        this.sessions = sessions;
        this.transcriber = transcriber;
        this.asr = asr;
        // bytes of PCM16 per Hz of rate: 2 bytes a sample, for lma.asr.max-file-duration
        this.maxActivityBytesPerRate = 2 * asrConfig.maxFileDuration().toSeconds();
    }

    /** A chunk of 16-bit little-endian mono PCM at {@code rate} Hz. */
    void audio(byte[] pcm, int rate) {
        requireAsr();
        if (!conversation.setup.automaticActivity()) {
            synchronized (lock) {
                if (activity == null) {
                    return; // outside an activity the client said nothing
                }
                if (activityRate != rate) {
                    throw GeminiRequests.invalid("the audio rate changed inside an activity (" + activityRate + " to " + rate + " Hz)");
                }
                if (activity.size() + pcm.length > maxActivityBytesPerRate * rate) {
                    throw GeminiRequests.invalid("an activity longer than lma.asr.max-file-duration; send activityEnd sooner");
                }
                activity.writeBytes(pcm);
            }
            return;
        }
        AudioSession s = session(rate);
        FrameAdmission.Decision d = s.offer(pcm, null);
        if (d instanceof FrameAdmission.Decision.Refused r && r.tell()) {
            throw new ApiException(429, "RESOURCE_EXHAUSTED", "the server cannot keep up with this audio (lma.audio.max-buffered-bytes is"
                    + " full); audio from here on was not taken; reconnect with the session resumption handle");
        } else if (d instanceof FrameAdmission.Decision.Ended) {
            // it ended on its own (lma.audio.max-session-duration): the next audio starts another
            synchronized (lock) {
                if (session == s) {
                    session = null;
                    sessions.releaseSocket();
                }
            }
        }
    }

    private AudioSession session(int rate) {
        synchronized (lock) {
            if (session != null) {
                if (session.format().sampleRate() != rate) {
                    throw GeminiRequests.invalid("audio/pcm rate " + rate + " in a session whose audio is at " + session.format().sampleRate()
                            + " Hz; one rate per session");
                }
                return session;
            }
            try {
                session = open(new StreamSettings(null, new StreamFormat(rate, AudioEncoding.PCM16, 1), "auto", conversation.setup.vad()));
            } catch (SessionOpenException e) {
                throw new ApiException(e.fatal() ? 503 : 400, e.fatal() ? "UNAVAILABLE" : "INVALID_ARGUMENT", e.getMessage());
            }
            return session;
        }
    }

    /** Opens or resumes the audio session, holding one of lma.audio.max-sessions while it is attached. */
    private AudioSession open(StreamSettings settings) throws SessionOpenException {
        if (!sessions.tryAcquireSocket()) {
            throw new ApiException(429, "RESOURCE_EXHAUSTED", "the server has all its audio sessions open (lma.audio.max-sessions)");
        }
        try {
            return sessions.open(settings, conversation);
        } catch (SessionOpenException | RuntimeException e) {
            sessions.releaseSocket();
            throw e;
        }
    }

    private void requireAsr() {
        if (asr.state() != AsrService.State.READY) {
            throw new ApiException(503, "UNAVAILABLE", "speech recognition is " + asr.state().name().toLowerCase(Locale.ROOT)
                    + (asr.reason() != null ? ": " + asr.reason() : "") + "; audio cannot be understood now");
        }
    }

    /** audioStreamEnd: the microphone paused; speech open now ends and is answered. */
    void streamEnd() {
        AudioSession s;
        synchronized (lock) {
            s = session;
        }
        if (s != null) {
            s.pause();
        }
    }

    void activityStart() {
        if (conversation.setup.automaticActivity()) {
            throw GeminiRequests.invalid("activityStart needs setup.realtimeInputConfig.automaticActivityDetection.disabled: true");
        }
        conversation.interrupt();
        synchronized (lock) {
            activity = new ByteArrayOutputStream();
            activityRate = 0;
        }
    }

    /** The first chunk of an activity sets its rate. */
    void activityRate(int rate) {
        synchronized (lock) {
            if (activity != null && activityRate == 0) {
                activityRate = rate;
            }
        }
    }

    void activityEnd() {
        if (conversation.setup.automaticActivity()) {
            throw GeminiRequests.invalid("activityEnd needs setup.realtimeInputConfig.automaticActivityDetection.disabled: true");
        }
        byte[] pcm;
        int rate;
        synchronized (lock) {
            if (activity == null) {
                return;
            }
            pcm = activity.toByteArray();
            rate = activityRate;
            activity = null;
        }
        if (pcm.length < 2 || rate == 0) {
            return;
        }
        float[] samples;
        try {
            samples = WavFile.pcm16(pcm, rate).mono16k();
        } catch (WavFile.UnsupportedAudioException e) {
            throw GeminiRequests.invalid("the activity's audio cannot be decoded: " + e.getMessage());
        }
        transcriber.transcribe(samples, "auto", AsrRequest.Task.TRANSCRIBE, false, null).whenComplete((t, failure) -> {
            if (failure != null) {
                conversation.failed(new ApiException(503, "UNAVAILABLE", "transcribing the activity failed: "
                        + Failures.cause(failure).getMessage()));
            } else {
                conversation.heard(t.text(), t.language());
            }
        });
    }

    /** A connection resumed the conversation: its audio session (if any) continues with it. */
    void reattach() {
        synchronized (lock) {
            if (session == null) {
                return;
            }
            try {
                session = open(new StreamSettings(session.id(), session.format(), "auto", conversation.setup.vad()));
            } catch (SessionOpenException e) {
                // ended meanwhile (its resume window closed): the next audio starts a new one
                LOG.debugf("gemini live %s: audio session not resumed: %s", conversation.handle, e.getMessage());
                session = null;
            }
        }
    }

    /** The connection went away: the audio session waits to be resumed (its transcripts queue meanwhile). */
    void detach() {
        synchronized (lock) {
            if (session != null) {
                sessions.detach(session, conversation);
                sessions.releaseSocket();
            }
        }
    }

    /** The id of the audio session behind the conversation (its transcript is at GET /sessions/{id}); null before any audio. */
    String sessionId() {
        synchronized (lock) {
            return session == null ? null : session.id();
        }
    }

    /** An error of the audio session: a long pause lets it go (the next audio starts another); others end the connection. */
    void failed(SessionEvent.Error e) {
        if (e.code().equals("idle_timeout")) {
            // not on this thread: it holds the session's outbox, which a resume takes after this lock
            CompletableFuture.runAsync(() -> {
                synchronized (lock) {
                    if (session != null) {
                        sessions.detach(session, conversation);
                        sessions.releaseSocket();
                        session = null;
                    }
                }
            });
            return;
        }
        if (e.fatal()) {
            conversation.closeLink(e.closeCode() == 0 ? 1011 : e.closeCode(), e.code() + ": " + e.message());
        } else {
            LOG.debugf("gemini live %s: %s: %s", conversation.handle, e.code(), e.message());
        }
    }
}
