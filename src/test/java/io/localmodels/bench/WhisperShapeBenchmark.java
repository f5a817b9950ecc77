package io.localmodels.bench;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.localmodels.asr.AsrRequest;
import io.localmodels.asr.DecodingOptions;
import io.localmodels.asr.LogMelSpectrogram;
import io.localmodels.asr.Transcription;
import io.localmodels.asr.WhisperEngine;
import io.localmodels.asr.WhisperModelFiles;
import io.localmodels.inference.ExecutionProvider;
import io.localmodels.inference.SessionHandle;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import io.localmodels.testing.WhisperFixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Not part of the suite (see docs/benchmarks.md). The real-time factor of one Whisper utterance on
 * this CPU for models of the real shapes (random weights: the arithmetic per token is a real
 * model's, the text is not), with the tokens per utterance pinned to what real speech gives, so
 * that the figure stands for the CPU default (whisper-small) before real weights are at hand.
 */
class WhisperShapeBenchmark {

    private static final int THREADS = Integer.getInteger("lma.bench.threads", 2);
    // jfk.wav (11 s) is 27 tokens in whisper's vocabulary; speech runs at 2.5-4 tokens a second
    private static final int TOKENS = Integer.getInteger("lma.bench.tokens", 30);
    private static final int RUNS = Integer.getInteger("lma.bench.runs", 3);

    @Test
    void realTimeFactorPerShape() throws Exception {
        float[] jfk = Wav.read(SharedFiles.require("audio/jfk.wav")).mono();
        double seconds = jfk.length / 16000.0;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "| shape | fp32 files | encoder s | decode s (%d tokens) | per token ms | utterance s | real-time factor |%n|---|---|---|---|---|---|---|%n", TOKENS));
        for (String shape : System.getProperty("lma.bench.shapes", "tiny,base,small").split(",")) {
            Path dir = WhisperFixtures.benchModel(shape.strip());
            WhisperModelFiles files = WhisperModelFiles.find(dir, "fp32", WhisperModelFiles.Layout.AUTO);
            long bytes = Files.size(files.encoder()) + Files.size(files.mergedDecoder().orElseThrow());
            DecodingOptions opts = DecodingOptions.defaults().withMaxNewTokens(TOKENS);
            try (WhisperEngine engine = WhisperEngine.open(env, files, file -> {
                OrtSession.SessionOptions o = new OrtSession.SessionOptions();
                o.setIntraOpNumThreads(THREADS);
                o.addConfigEntry("session.intra_op.allow_spinning", "0");
                return new SessionHandle("bench", file, ExecutionProvider.CPU, env.createSession(file.toString(), o), o);
            }, opts)) {
                AsrRequest request = new AsrRequest(jfk, "es", AsrRequest.Task.TRANSCRIBE, false, null, 0);
                engine.transcribe(List.of(request), opts);  // warm-up
                double best = Double.MAX_VALUE;
                double bestEncoder = Double.MAX_VALUE;
                int tokens = 0;
                for (int r = 0; r < RUNS; r++) {
                    long t0 = System.nanoTime();
                    try (var enc = engine.model().encode(new float[][]{new LogMelSpectrogram(80).compute(jfk)})) {
                        bestEncoder = Math.min(bestEncoder, (System.nanoTime() - t0) / 1e9);
                    }
                    long t1 = System.nanoTime();
                    Transcription t = engine.transcribe(List.of(request), opts).get(0);
                    best = Math.min(best, (System.nanoTime() - t1) / 1e9);
                    tokens = t.tokens().length;
                }
                double decode = best - bestEncoder;
                report.append(String.format(Locale.ROOT, "| %s | %.0f MB | %.2f | %.2f | %.0f | %.2f | %.3f |%n", shape, bytes / 1e6,
                        bestEncoder, decode, decode * 1000 / Math.max(1, tokens), best, best / seconds));
                if (tokens != TOKENS) {
                    report.append("  (").append(shape).append(" decoded ").append(tokens).append(" tokens, not ").append(TOKENS).append(")\n");
                }
            }
        }
        System.out.println("\nWhisper shapes on " + Runtime.getRuntime().availableProcessors() + " cores, " + THREADS
                + " intra-op threads, one " + String.format(Locale.ROOT, "%.1f", seconds) + " s utterance (jfk.wav), best of " + RUNS
                + ":\n" + report);
    }
}
