package io.localmodels.asr;

import com.fasterxml.jackson.databind.JsonNode;

/** The golden helpers for tests in other packages. */
public final class WhisperGoldenTestAccess {

    private WhisperGoldenTestAccess() {
    }

    public static int[] ints(JsonNode array) {
        return WhisperGoldenTest.ints(array);
    }
}
