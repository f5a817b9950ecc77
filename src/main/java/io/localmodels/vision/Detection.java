package io.localmodels.vision;

/** One detected object: COCO label, confidence, box. */
public record Detection(String label, double score, Box box) {
}
