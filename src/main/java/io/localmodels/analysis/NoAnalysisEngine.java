package io.localmodels.analysis;

import java.util.List;

/** The transcript only: the status says why there is no analysis. */
final class NoAnalysisEngine implements AnalysisEngine {

    private final String reason;

    NoAnalysisEngine(String reason) {
        this.reason = reason;
    }

    @Override
    public String name() {
        return "none";
    }

    @Override
    public AnalysisOutcome analyse(String language, List<TranscriptLine> transcript) {
        return new AnalysisOutcome(null, new AnalysisStatus("unavailable", "none", null, reason));
    }
}
