package io.localmodels.vision;

/** Something in the frame that could hurt the wearer, with the rule that saw it. */
public record Risk(Level level, String message, String reason) {

    public enum Level {
        low, medium, high
    }
}
