package io.localmodels.analysis;

import java.util.List;

/** Turns a transcript into a {@link SessionAnalysis}; blocking, called on the analysis executor. */
public interface AnalysisEngine {

    String name();

    AnalysisOutcome analyse(String language, List<TranscriptLine> transcript);
}
