package io.localmodels.analysis;

/** One transcript segment as the analysis sees it. */
public record TranscriptLine(int segmentId, String speaker, double start, double end, String text) {
}
