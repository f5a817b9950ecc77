package io.localmodels.session;

/** What a session tells its client, independent of the transport. */
public sealed interface SessionEvent {

    record Attached(String sessionId, int sampleRate, String encoding, int channels, String language, boolean resumed,
                    double receivedSeconds, long receivedSamples, long receivedBytes, Long lastChunkId, String audioSha256)
            implements SessionEvent {
    }

    record SpeechStarted(String sessionId, double start) implements SessionEvent {
    }

    record SpeechStopped(String sessionId, int segmentId, double start, double end) implements SessionEvent {
    }

    /**
     * The open utterance's text so far: {@code stable} (only grows within the utterance) then
     * {@code unstable}; {@code text} is both. The utterance's partial_result replaces it.
     */
    record Interim(String sessionId, int segmentId, double start, String text, String stable, String unstable) implements SessionEvent {
    }

    /** One utterance's transcript, sent in segment order. */
    record PartialResult(String sessionId, Recognition recognition) implements SessionEvent {
    }

    /** The session document after its end (transcript, analysis). */
    record FinalResult(String sessionId, FinalDocument document) implements SessionEvent {
    }

    /** Reconnect (after {@code retryAfterMillis}) and resume with {@code sessionId}: this server is going away. */
    record Reconnect(String sessionId, String reason, long retryAfterMillis) implements SessionEvent {
    }

    /** Information about the session that is not a failure (e.g. asr_unavailable: no transcripts will come). */
    record Notice(String sessionId, String code, String message) implements SessionEvent {
    }

    /** {@code fatal}: the transport should close after delivering it, with {@code closeCode}. */
    record Error(String code, String message, boolean fatal, int closeCode) implements SessionEvent {
        public static Error nonFatal(String code, String message) {
            return new Error(code, message, false, 0);
        }
    }

    /** {@code stored}: the final document is in the session store (false: it waits in the server's backlog for the store to come back, or was lost). */
    record Ended(String sessionId, double receivedSeconds, long receivedSamples, String audioSha256, int segments, boolean stored)
            implements SessionEvent {
    }
}
