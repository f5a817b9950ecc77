package io.localmodels.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.localmodels.models.ModelCatalog;
import io.localmodels.models.OnnxIoSpec;
import io.localmodels.models.TensorSpec;
import io.localmodels.testing.SharedFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The IO contract check against the real model files, on CPU. */
class ModelIoCheckTest {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final ModelCatalog catalog = ModelCatalog.fromClasspath();

    private static OnnxIoSpec io(ModelCatalog catalog, String id) {
        return catalog.require(id).files().get(0).onnx();
    }

    @Test
    void sileroLoadsOnCpuPassesItsCheckAndRuns() throws Exception {
        Path model = SharedFiles.require("models/silero-vad/silero_vad.onnx");
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(model.toString(), options)) {
            assertDoesNotThrow(() -> ModelIoCheck.verify("silero_vad.onnx", session, io(catalog, "silero-vad")));

            // One window of silence: the contract's names and shapes are the ones the model really takes.
            try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.allocate(576), new long[] {1, 576});
                 OnnxTensor state = OnnxTensor.createTensor(env, FloatBuffer.allocate(256), new long[] {2, 1, 128});
                 OnnxTensor sr = OnnxTensor.createTensor(env, 16000L);
                 OrtSession.Result r = session.run(Map.of("input", input, "state", state, "sr", sr))) {
                float p = ((float[][]) r.get("output").get().getValue())[0][0];
                assertTrue(p >= 0 && p < 0.5, "silence should not be speech: " + p);
            }
        }
    }

    @Test
    void modelWithTheWrongIoIsRejectedNamingWhatItActuallyHas() throws Exception {
        Path yolox = SharedFiles.require("models/yolox-nano/yolox_nano.onnx");
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(yolox.toString(), options)) {
            ModelIoMismatchException e = assertThrows(ModelIoMismatchException.class,
                    () -> ModelIoCheck.verify("yolox_nano.onnx", session, io(catalog, "silero-vad")));

            String msg = e.getMessage();
            assertTrue(msg.startsWith("yolox_nano.onnx "), msg);
            assertTrue(msg.contains("missing input 'input'"), msg);
            assertTrue(msg.contains("unexpected input 'images'"), msg);
            assertTrue(msg.contains("The model has inputs [images FLOAT[1,3,416,416]]"), msg);
            assertTrue(msg.contains("outputs [output FLOAT[1,3549,85]]"), msg);
        }
    }

    @Test
    void wrongTypeAndFixedDimensionAreEachReported() throws Exception {
        Path yolox = SharedFiles.require("models/yolox-nano/yolox_nano.onnx");
        OnnxIoSpec wrong = new OnnxIoSpec(
                List.of(new TensorSpec("images", "INT64", List.of(1L, 3L, 640L, 640L))),
                List.of(new TensorSpec("output", "FLOAT", List.of(1L, 8400L, 85L))));
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = env.createSession(yolox.toString(), options)) {
            ModelIoMismatchException e = assertThrows(ModelIoMismatchException.class,
                    () -> ModelIoCheck.verify("yolox_nano.onnx", session, wrong));
            String msg = e.getMessage();
            assertTrue(msg.contains("input 'images' is FLOAT, expected INT64"), msg);
            assertTrue(msg.contains("input 'images' dimension 2 is 416, expected 640"), msg);
            assertTrue(msg.contains("output 'output' dimension 1 is 3549, expected 8400"), msg);
        }
    }

    @Test
    void providerDecisionNeverSilentlyFallsBack() {
        ProviderChoice cpu = OnnxRuntime.decide(InferenceConfig.ProviderMode.CPU, false, 0);
        assertEquals(ExecutionProvider.CPU, cpu.provider());
        assertTrue(cpu.usable());

        Assumptions.assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA),
                "the rest needs the CPU build of ONNX Runtime on the classpath (not -Pgpu)");
        ProviderChoice auto = OnnxRuntime.decide(InferenceConfig.ProviderMode.AUTO, false, 0);
        assertEquals(ExecutionProvider.CPU, auto.provider());
        assertTrue(auto.reason().contains("CPU build"), auto.reason());

        ProviderChoice strict = OnnxRuntime.decide(InferenceConfig.ProviderMode.CUDA, false, 0);
        assertEquals(false, strict.usable());
        assertTrue(strict.reason().contains("allow-cpu-fallback"), strict.reason());

        ProviderChoice lenient = OnnxRuntime.decide(InferenceConfig.ProviderMode.CUDA, true, 0);
        assertEquals(ExecutionProvider.CPU, lenient.provider());
        assertTrue(lenient.usable());
    }
}
