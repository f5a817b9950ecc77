package io.localmodels.llm;

/**
 * A finished answer.
 *
 * @param finishReason stop (the model ended, or a stop string), length (the token cap), cancelled
 */
public record Generation(String text, int promptTokens, int completionTokens, String finishReason, long timeToFirstTokenNanos,
                         long totalNanos) {

    public double tokensPerSecond() {
        long decode = totalNanos - timeToFirstTokenNanos;
        return completionTokens > 1 && decode > 0 ? (completionTokens - 1) / (decode / 1e9) : 0;
    }
}
