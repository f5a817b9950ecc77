package io.localmodels.session;

import io.localmodels.speaker.SpeakerChanges;
import io.localmodels.speaker.SpeakerService;
import io.localmodels.vad.SileroVad;
import io.localmodels.vad.Utterance;

import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A session's speaker labels. Each closed utterance's voice prints are taken on the speaker pool
 * (never on the audio thread, and never between the VAD and the socket: the speech events do not
 * wait for them) and labelled in segment order; an utterance in which the voice changes gets one
 * turn per voice. At the end the whole session is clustered again. {@code unavailable}: why a
 * session that asked for speakers has none (told to the client once).
 */
final class SpeakerStage {

    private static final Logger LOG = Logger.getLogger(SpeakerStage.class);

    /** One part of one utterance as the clusters know it: its own key (an utterance may hold several). */
    private record PartKey(int key, double seconds) {
    }

    private final SpeakerService.Tracking tracking;
    private final String unavailable;
    /** The last labelling: the next one runs after it, so labels are given in segment order. */
    private CompletableFuture<List<Recognition.Turn>> last = CompletableFuture.completedFuture(List.of());
    /** Only touched by the labelling chain. */
    private final Map<Integer, List<PartKey>> partsOf = new HashMap<>();
    private int nextKey = 1;
    private String lastLabel = "S1";

    private SpeakerStage(SpeakerService.Tracking tracking, String unavailable) {
        this.tracking = tracking;
        this.unavailable = unavailable;
    }

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

    String unavailable() {
        return unavailable;
    }

    /**
     * The speaker turns of a closed utterance (call in segment order); completes once its voice prints
     * are taken and every earlier utterance is labelled. Never fails: without prints the utterance
     * keeps the previous speaker.
     */
    synchronized CompletionStage<List<Recognition.Turn>> label(Utterance u) {
        CompletionStage<List<SpeakerChanges.Part>> parts = tracking.service().parts(u.samples());
        last = last.thenCombine(parts, (before, ps) -> assign(u, ps)).exceptionally(e -> {
            LOG.warnf("speaker labels of segment %d failed: %s", u.segmentId(), e.toString());
            return List.of(new Recognition.Turn(round(u.startSeconds()), round(u.endSeconds()), lastLabel));
        });
        return last;
    }

    private List<Recognition.Turn> assign(Utterance u, List<SpeakerChanges.Part> parts) {
        List<Recognition.Turn> turns = new ArrayList<>(parts.size());
        List<PartKey> keys = new ArrayList<>(parts.size());
        for (SpeakerChanges.Part p : parts) {
            double seconds = (p.end() - p.start()) / (double) SileroVad.SAMPLE_RATE;
            int key = nextKey++;
            String label = tracking.clusters().assign(key, p.embedding(), seconds);
            keys.add(new PartKey(key, seconds));
            double start = u.startSeconds() + p.start() / (double) SileroVad.SAMPLE_RATE;
            double end = p.end() >= u.samples().length ? u.endSeconds() : u.startSeconds() + p.end() / (double) SileroVad.SAMPLE_RATE;
            if (!turns.isEmpty() && turns.get(turns.size() - 1).speaker().equals(label)) {
                Recognition.Turn prev = turns.remove(turns.size() - 1);
                turns.add(new Recognition.Turn(prev.start(), round(end), label));
            } else {
                turns.add(new Recognition.Turn(round(start), round(end), label));
            }
            lastLabel = label;
        }
        partsOf.put(u.segmentId(), keys);
        return turns;
    }

    /** Completes when every utterance given so far is labelled. */
    CompletionStage<?> settled() {
        synchronized (this) {
            return last;
        }
    }

    /**
     * Final labels by segment id (each segment: the label of its longest part) after the whole session
     * is clustered again; empty when speakers are off. Call after {@link #settled()}.
     */
    Map<Integer, String> finalLabels() {
        if (tracking == null) {
            return Map.of();
        }
        Map<Integer, String> byKey = tracking.clusters().finalLabels();
        Map<Integer, String> bySegment = new HashMap<>();
        partsOf.forEach((segment, keys) -> {
            PartKey longest = keys.get(0);
            for (PartKey k : keys) {
                if (k.seconds() > longest.seconds()) {
                    longest = k;
                }
            }
            String label = byKey.get(longest.key());
            if (label != null) {
                bySegment.put(segment, label);
            }
        });
        return bySegment;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
