package io.localmodels.session;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a session tells its client when the recogniser refuses an utterance. A refusal that holds for
 * the whole session (no ASR, ASR still loading, a language the model cannot do) is said once; any
 * other is said per segment. One per session; called from its pipeline thread only.
 */
final class RefusalNotices {

    private final Set<String> said = new HashSet<>();

    /** The event for this refusal of segment {@code segmentId}; empty when the session was already told. */
    Optional<SessionEvent> of(String sessionId, int segmentId, RecognitionRefused r) {
        return switch (r.code()) {
            case "asr_unavailable", "asr_loading" -> once(r.code(), new SessionEvent.Notice(sessionId, r.code(),
                    r.getMessage() + (r.code().equals("asr_loading")
                            ? "; speech boundaries flow meanwhile, transcripts start with the first utterance after it is ready"
                            : "; this session gets speech boundaries without transcripts")));
            case "language_unsupported" -> once(r.code(),
                    SessionEvent.Error.nonFatal(r.code(), r.getMessage() + "; no segment of this session is transcribed"));
            default -> Optional.of(SessionEvent.Error.nonFatal(r.code(),
                    "segment " + segmentId + " was not transcribed: " + r.getMessage()));
        };
    }

    private Optional<SessionEvent> once(String code, SessionEvent event) {
        return said.add(code) ? Optional.of(event) : Optional.empty();
    }
}
