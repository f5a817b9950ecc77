package io.localmodels.llm;

/** One turn of a conversation: role system, user or assistant. */
public record ChatMessage(String role, String content) {
}
