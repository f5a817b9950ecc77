package io.localmodels.vision;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Map;

/** What /vision/frame answers, and what GET /vision/frames/{id} returns later. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VisionResult(
        @JsonProperty("session_id") String sessionId,
        @JsonProperty("frame_id") String frameId,
        String status,
        String language,
        Long timestamp,
        String description,
        List<DetectedObject> objects,
        List<Risk> risks,
        List<String> suggestions,
        Map<String, String> models,
        Timings timings) {

    public record DetectedObject(String label, double score, Box box) {
    }

    public record Timings(@JsonProperty("queue_ms") double queueMs, @JsonProperty("inference_ms") double inferenceMs,
                          @JsonProperty("total_ms") double totalMs) {
    }

    public static final String OK = "ok";
    public static final String SUPERSEDED = "superseded";
}
