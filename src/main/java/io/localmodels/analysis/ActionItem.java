package io.localmodels.analysis;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

public record ActionItem(String title, String description, List<String> steps,
                         @JsonProperty("source_segment_ids") List<Integer> sourceSegmentIds) {
}
