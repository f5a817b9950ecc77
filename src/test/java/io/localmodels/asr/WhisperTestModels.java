package io.localmodels.asr;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.localmodels.inference.ExecutionProvider;
import io.localmodels.inference.SessionHandle;
import io.localmodels.testing.WhisperFixtures;

import java.nio.file.Path;

/** Opens fixture models with plain ONNX Runtime sessions (CPU, one intra-op thread). */
final class WhisperTestModels {

    private WhisperTestModels() {
    }

    static WhisperOnnxModel.SessionOpener cpuOpener() {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        return file -> {
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            return new SessionHandle("whisper-test", file, ExecutionProvider.CPU, env.createSession(file.toString(), options), options);
        };
    }

    static WhisperEngine open(String fixture, DecodingOptions options) throws Exception {
        return open(WhisperFixtures.model(fixture), options);
    }

    static WhisperEngine open(Path dir, DecodingOptions options) throws Exception {
        WhisperModelFiles files = WhisperModelFiles.find(dir, "fp32", WhisperModelFiles.Layout.AUTO);
        return WhisperEngine.open(OrtEnvironment.getEnvironment(), files, cpuOpener(), options);
    }
}
