package io.localmodels.asr;

/** The golden helpers for tests in other packages. */
public final class WhisperGoldenTestAccess {

    private WhisperGoldenTestAccess() {
    }

    public static int[] ints(com.fasterxml.jackson.databind.JsonNode array) {
        return WhisperGoldenTest.ints(array);
    }
}
