package io.localmodels.llm;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One chat completion: the conversation, the sampling settings, an optional GBNF grammar the answer
 * must follow, where streamed text goes, and a way for the caller to give up (a closed connection).
 *
 * @param seed -1: a random seed
 */
public record GenerationRequest(List<ChatMessage> messages, double temperature, double topP, int maxTokens, List<String> stop,
                                String grammar, int seed, Consumer<String> onText, BooleanSupplier cancelled) {

    public GenerationRequest {
        messages = List.copyOf(messages);
        stop = stop == null ? List.of() : List.copyOf(stop);
        onText = onText == null ? text -> { } : onText;
        cancelled = cancelled == null ? () -> false : cancelled;
    }

    /** The same request, also given up when {@code alsoWhen} says so. */
    GenerationRequest cancelledAlsoWhen(BooleanSupplier alsoWhen) {
        BooleanSupplier own = cancelled;
        return new GenerationRequest(messages, temperature, topP, maxTokens, stop, grammar, seed, onText,
                () -> alsoWhen.getAsBoolean() || own.getAsBoolean());
    }

    public static GenerationRequest of(List<ChatMessage> messages, double temperature, int maxTokens, String grammar, int seed) {
        return new GenerationRequest(messages, temperature, 1.0, maxTokens, List.of(), grammar, seed, null, null);
    }
}
