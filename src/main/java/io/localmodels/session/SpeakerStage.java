package io.localmodels.session;

import io.localmodels.speaker.SpeakerChanges;
import io.localmodels.speaker.SpeakerService;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A session's speaker labels: each closed utterance's parts and voice prints, the online label of
 * each part (in segment order), and the labels after the whole session is clustered again.
 * {@code unavailable}: why a session that asked for speakers has none (told to the client once).
 */
record SpeakerStage(SpeakerService.Tracking tracking, String unavailable) {

    static SpeakerStage off() {
        return new SpeakerStage(null, null);
    }

    /** {@code labelsBefore}: the highest Sn the session's stored lines use (0 for a new session). */
    static SpeakerStage of(SpeakerService service, int labelsBefore) {
        Optional<SpeakerService.Tracking> t = service.track(labelsBefore);
        return t.map(tracking -> new SpeakerStage(tracking, null))
                .orElseGet(() -> new SpeakerStage(null, service.unavailable().orElse("no speaker embedding is loaded")));
    }

    boolean on() {
        return tracking != null;
    }

    CompletionStage<List<SpeakerChanges.Part>> parts(float[] audio16k) {
        return tracking.service().parts(audio16k);
    }

    String assign(int segmentId, float[] embedding, double seconds) {
        return tracking.clusters().assign(segmentId, embedding, seconds);
    }

    /** Final labels by segment id; empty when speakers are off. */
    Map<Integer, String> finalLabels() {
        return tracking == null ? Map.of() : tracking.clusters().finalLabels();
    }
}
