package io.localmodels.analysis;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

@io.quarkus.runtime.annotations.RegisterForReflection
public record ActionItem(String title, String description, List<String> steps,
                         @JsonProperty("source_segment_ids") List<Integer> sourceSegmentIds) {
}
