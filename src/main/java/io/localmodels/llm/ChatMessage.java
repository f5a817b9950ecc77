package io.localmodels.llm;

import java.util.List;

/**
 * One turn of a conversation: role system, user or assistant, its text, and the images it shows
 * (only a vision-capable LLM server gets them; the embedded LLM reads the text alone).
 */
public record ChatMessage(String role, String content, List<Image> images) {

    public ChatMessage {
        images = images == null ? List.of() : List.copyOf(images);
    }

    public ChatMessage(String role, String content) {
        this(role, content, List.of());
    }

    /** An image as its bytes and MIME type (image/jpeg, image/png). */
    public record Image(String mimeType, byte[] data) {
    }
}
