package io.localmodels.session;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.localmodels.analysis.ActionItem;
import io.localmodels.analysis.AnalysisOutcome;
import io.localmodels.analysis.AnalysisStatus;
import io.localmodels.analysis.SessionAnalysis;
import io.localmodels.analysis.TranscriptLine;
import io.quarkus.runtime.annotations.RegisterForReflection;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The session document: what the socket sends as {@code final_result} and {@code GET /sessions/{id}}
 * answers. {@code analysis.status} is ok, unavailable, failed, or — for a session not ended yet or
 * never ended — pending / incomplete.
 */
@JsonPropertyOrder({"session_id", "language", "text", "transcript", "summary", "action_items", "risks", "decisions",
        "open_questions", "analysis"})
@RegisterForReflection
public record FinalDocument(@JsonProperty("session_id") String sessionId, String language, String text, List<TranscriptLine> transcript,
                            String summary, @JsonProperty("action_items") List<ActionItem> actionItems, List<String> risks,
                            List<String> decisions, @JsonProperty("open_questions") List<String> openQuestions,
                            AnalysisStatus analysis) {

    public static FinalDocument of(String sessionId, String language, List<TranscriptLine> transcript, AnalysisOutcome outcome) {
        SessionAnalysis a = outcome.analysis();
        return new FinalDocument(sessionId, language, text(transcript), List.copyOf(transcript), a == null ? null : a.summary(),
                a == null ? List.of() : a.actionItems(), a == null ? List.of() : a.risks(), a == null ? List.of() : a.decisions(),
                a == null ? List.of() : a.openQuestions(), outcome.status());
    }

    /** The document of a session that has no final result (yet): its transcript so far. */
    public static FinalDocument partial(String sessionId, String language, List<TranscriptLine> transcript, String status, String reason) {
        return new FinalDocument(sessionId, language, text(transcript), List.copyOf(transcript), null, List.of(), List.of(), List.of(),
                List.of(), new AnalysisStatus(status, null, null, reason));
    }

    static String text(List<TranscriptLine> transcript) {
        return transcript.stream().map(t -> t.text().strip()).filter(t -> !t.isEmpty()).collect(Collectors.joining(" "));
    }
}
