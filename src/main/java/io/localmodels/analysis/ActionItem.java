package io.localmodels.analysis;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

@RegisterForReflection
public record ActionItem(String title, String description, List<String> steps,
                         @JsonProperty("source_segment_ids") List<Integer> sourceSegmentIds) {
}
