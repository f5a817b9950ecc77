package io.localmodels.asr;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.localmodels.inference.ExecutionProvider;
import io.localmodels.inference.SessionHandle;
import io.localmodels.testing.WhisperFixtures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The fixture goldens on the CUDA execution provider (build with -Pgpu, run with -Dlma.test.cuda=true
 * on a machine with an NVIDIA GPU); prints the time per decoder step. Skipped otherwise.
 */
class WhisperCudaTest {

    @Test
    void goldensOnCuda() throws Exception {
        if (!Boolean.getBoolean("lma.test.cuda")) {
            String reason = "SKIPPED: CUDA Whisper test needs -Dlma.test.cuda=true (and the -Pgpu build on an NVIDIA machine)";
            System.err.println(reason);
            Assumptions.abort(reason);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        WhisperOnnxModel.SessionOpener cuda = file -> {
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.addCUDA(0);
            return new SessionHandle("whisper-cuda", file, ExecutionProvider.CUDA, env.createSession(file.toString(), o), o);
        };
        for (String layout : List.of("v2-merged", "v2-split")) {
            WhisperModelFiles files = WhisperModelFiles.find(WhisperFixtures.model(layout), "fp32", WhisperModelFiles.Layout.AUTO);
            try (WhisperEngine engine = WhisperEngine.open(env, files, cuda, DecodingOptions.defaults())) {
                long steps = 0;
                long t0 = System.nanoTime();
                for (JsonNode c : WhisperFixtures.goldens().path("cases")) {
                    if (!c.path("family").asText().equals("v2")) {
                        continue;
                    }
                    long runs0 = engine.model().runs();
                    Transcription t = engine.transcribe(List.of(WhisperGoldenTest.request(c)),
                            DecodingOptions.defaults().withMaxNewTokens(c.path("max_new_tokens").asInt())).get(0);
                    assertArrayEquals(WhisperGoldenTest.ints(c.path("tokens")), t.tokens(), c.path("name").asText() + " on CUDA " + layout);
                    steps += engine.model().runs() - runs0;
                }
                System.out.printf("CUDA %s: %d ORT runs, %.2f ms per run on average%n", layout, steps,
                        (System.nanoTime() - t0) / 1e6 / steps);
            }
        }
    }
}
