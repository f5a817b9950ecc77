package io.localmodels.analysis;

/** The analysis (null unless status is ok) and its status block. */
public record AnalysisOutcome(SessionAnalysis analysis, AnalysisStatus status) {

    public static AnalysisOutcome failed(String engine, String model, String reason) {
        return new AnalysisOutcome(null, new AnalysisStatus("failed", engine, model, reason));
    }
}
