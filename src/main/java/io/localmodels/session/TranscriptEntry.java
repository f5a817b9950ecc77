package io.localmodels.session;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One transcript segment as stored and sent ({@code speaker} is S1 until diarization exists). */
@io.quarkus.runtime.annotations.RegisterForReflection
public record TranscriptEntry(@JsonProperty("segment_id") int segmentId, String speaker, double start, double end, String text) {

    public static TranscriptEntry of(Recognition r) {
        return new TranscriptEntry(r.segmentId(), "S1", r.start(), r.end(), r.text());
    }
}
