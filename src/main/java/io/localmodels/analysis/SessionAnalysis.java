package io.localmodels.analysis;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;

/** What the analysis made of a conversation (the seeds' shape plus decisions and open questions). */
@RegisterForReflection
public record SessionAnalysis(String summary, @JsonProperty("action_items") List<ActionItem> actionItems, List<String> risks,
                              List<String> decisions, @JsonProperty("open_questions") List<String> openQuestions) {
}
