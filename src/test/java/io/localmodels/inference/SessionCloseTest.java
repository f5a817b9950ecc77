package io.localmodels.inference;

import io.localmodels.testing.ChildJvm;
import io.localmodels.testing.SharedFiles;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Closing a model's session while two threads run it: close waits for (or stops) the runs in flight, frees the
 * session only then, and refuses later runs with ModelClosedException. In a child JVM: freeing a session under a
 * run is a SIGSEGV, which must not take the test suite with it.
 */
class SessionCloseTest {

    @Test
    void aSessionClosedUnderRunningInferenceIsFreedOnlyOnceTheRunsAreOut() throws Exception {
        String model = SharedFiles.require("models/yolox-nano/yolox_nano.onnx").toString();
        for (int trial = 0; trial < 3; trial++) {
            ChildJvm.Result r = ChildJvm.run(OrtShutdownProbe.class, List.of(model, "images", "1,3,416,416"), "", 60);
            assertEquals(0, r.exitCode(), r.output());
            assertTrue(r.output().contains("FREED true"), r.output());
            assertTrue(r.output().contains("CLEAN"), r.output());
        }
    }
}
