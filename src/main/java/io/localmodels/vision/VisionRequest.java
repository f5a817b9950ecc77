package io.localmodels.vision;

/** One photo to analyse. {@code sessionId} may be null (then no other frame can supersede it). */
public record VisionRequest(String sessionId, byte[] image, String language, String prompt, Long timestamp) {
}
