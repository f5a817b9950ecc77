package io.localmodels.vision;

import java.util.List;

/** What the VLM said: the description, and risks when it answered in JSON. */
public record VlmAnswer(String description, List<Risk> risks) {
}
