package io.localmodels.inference;

/**
 * The provider chosen for new sessions and why. {@code usable=false} means provider=cuda was
 * requested, no device answered and CPU fallback is off: models fail with {@link #reason()}.
 */
public record ProviderChoice(ExecutionProvider provider, boolean usable, String reason) {
}
