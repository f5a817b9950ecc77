package io.localmodels.analysis;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One line of a session's transcript: who spoke, when (session seconds) and what. This is how a
 * segment is stored, sent in {@code final_result} and given to the analysis ({@code speaker} is S1
 * until speakers are told apart).
 */
@RegisterForReflection
public record TranscriptLine(@JsonProperty("segment_id") int segmentId, String speaker, double start, double end, String text) {
}
