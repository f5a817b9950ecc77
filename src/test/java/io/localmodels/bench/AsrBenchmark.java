package io.localmodels.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
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

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Not part of the suite (run explicitly, see docs/benchmarks.md). On a whisper-tiny-shaped model with
 * random weights: (1) the ASR stage's wall time against the summed ONNX Runtime run time of its own
 * encoder/decoder calls, and against a raw replay of the same calls on plain sessions; (2) one batch
 * of 8 utterances against 8 single runs.
 */
class AsrBenchmark {

    private static final int TOKENS = 32;
    private static final int THREADS = Integer.getInteger("lma.bench.threads", 2);

    private static WhisperOnnxModelOpener opener(OrtEnvironment env) {
        return new WhisperOnnxModelOpener(env);
    }

    record WhisperOnnxModelOpener(OrtEnvironment env) {
        SessionHandle open(Path file) throws OrtException {
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            o.setIntraOpNumThreads(THREADS);
            o.setInterOpNumThreads(1);
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
            return new SessionHandle("bench", file, ExecutionProvider.CPU, env.createSession(file.toString(), o), o);
        }
    }

    @Test
    void overheadAndBatching() throws Exception {
        Path dir = WhisperFixtures.benchModel();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        WhisperModelFiles files = WhisperModelFiles.find(dir, "fp32", WhisperModelFiles.Layout.AUTO);
        float[] jfk = Wav.read(SharedFiles.require("audio/jfk.wav")).mono();
        DecodingOptions opts = DecodingOptions.defaults().withMaxNewTokens(TOKENS);
        StringBuilder report = new StringBuilder();
        try (WhisperEngine engine = WhisperEngine.open(env, files, opener(env)::open, opts)) {
            AsrRequest request = new AsrRequest(jfk, "en", AsrRequest.Task.TRANSCRIBE, false, null, 0);
            for (int i = 0; i < 2; i++) {
                engine.transcribe(List.of(request));
            }
            int runs = 10;
            double[] ratios = new double[runs];
            long wall = 0;
            long ort = 0;
            int[] tokens = null;
            long decoderRuns = 0;
            for (int i = 0; i < runs; i++) {
                long calls0 = engine.model().runs();
                long ort0 = engine.model().runNanos();
                long t0 = System.nanoTime();
                Transcription t = engine.transcribe(List.of(request)).get(0);
                long w = System.nanoTime() - t0;
                long o = engine.model().runNanos() - ort0;
                wall += w;
                ort += o;
                ratios[i] = (double) w / o;
                tokens = t.tokens();
                decoderRuns = engine.model().runs() - calls0 - 1;
            }
            long raw = rawReplay(env, files, jfk, tokens, (int) decoderRuns, runs);
            report.append(String.format("ASR stage, jfk.wav (11 s), %d new tokens, %d intra-op threads, mean of %d:%n", tokens.length, THREADS, runs));
            Arrays.sort(ratios);
            report.append(String.format("  wall %.1f ms; its own ORT runs %.1f ms -> overhead ratio %.3f (median of per-run ratios %.3f)%n",
                    wall / 1e6 / runs, ort / 1e6 / runs, (double) wall / ort, (ratios[runs / 2 - 1] + ratios[runs / 2]) / 2));
            report.append(String.format("  raw replay of the same calls on plain sessions %.1f ms -> wall / raw %.3f%n", raw / 1e6 / runs,
                    (double) wall / raw));

            List<AsrRequest> eight = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int from = i * 8000;
                eight.add(new AsrRequest(Arrays.copyOfRange(jfk, from, Math.min(jfk.length, from + 3 * 16000)), "en",
                        AsrRequest.Task.TRANSCRIBE, false, null, 0));
            }
            engine.transcribe(eight);
            long batched = Long.MAX_VALUE;
            long singles = Long.MAX_VALUE;
            for (int rep = 0; rep < 3; rep++) {
                long t0 = System.nanoTime();
                engine.transcribe(eight);
                batched = Math.min(batched, System.nanoTime() - t0);
                t0 = System.nanoTime();
                for (AsrRequest r : eight) {
                    engine.transcribe(List.of(r));
                }
                singles = Math.min(singles, System.nanoTime() - t0);
            }
            report.append(String.format("batch of 8 (3 s utterances, %d tokens each): %.0f ms; 8 single runs: %.0f ms -> speed-up %.2fx (best of 3)%n",
                    TOKENS, batched / 1e6, singles / 1e6, (double) singles / batched));
        }
        System.out.println(report);
        Files.writeString(Path.of("target/asr-benchmark.txt"), report.toString());
    }

    /** Encoder + merged decoder steps fed the same tokens, timing only session.run. */
    private static long rawReplay(OrtEnvironment env, WhisperModelFiles files, float[] audio, int[] tokens, int decoderRuns, int runs)
            throws Exception {
        float[] mel = new LogMelSpectrogram(80).compute(audio);
        long[] prompt = {50258, 50259, 50359, 50363};
        long total = 0;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(THREADS);
            o.setInterOpNumThreads(1);
            o.addConfigEntry("session.intra_op.allow_spinning", "0");
            try (OrtSession enc = env.createSession(files.encoder().toString(), o);
                 OrtSession dec = env.createSession(files.mergedDecoder().orElseThrow().toString(), o)) {
                for (int rep = 0; rep < runs + 1; rep++) {
                    long spent = 0;
                    try (OnnxTensor feats = OnnxTensor.createTensor(env, FloatBuffer.wrap(mel), new long[]{1, 80, 3000})) {
                        long t0 = System.nanoTime();
                        OrtSession.Result e = enc.run(Map.of("input_features", feats));
                        spent += System.nanoTime() - t0;
                        try (e) {
                            OnnxTensor hidden = (OnnxTensor) e.get(0);
                            Map<String, OnnxTensor> in = new HashMap<>();
                            OnnxTensor empty = OnnxTensor.createTensor(env, FloatBuffer.allocate(0), new long[]{1, 6, 0, 64});
                            for (String n : dec.getInputNames()) {
                                if (n.startsWith("past_key_values")) {
                                    in.put(n, empty);
                                }
                            }
                            OnnxTensor ids = OnnxTensor.createTensor(env, LongBuffer.wrap(prompt), new long[]{1, prompt.length});
                            OnnxTensor no = OnnxTensor.createTensor(env, new boolean[]{false});
                            in.put("input_ids", ids);
                            in.put("encoder_hidden_states", hidden);
                            in.put("use_cache_branch", no);
                            t0 = System.nanoTime();
                            OrtSession.Result first = dec.run(in);
                            spent += System.nanoTime() - t0;
                            ids.close();
                            no.close();
                            empty.close();
                            OrtSession.Result last = first;
                            for (int step = 0; step < decoderRuns - 1; step++) {
                                long next = step < tokens.length ? tokens[step] : 50257;
                                Map<String, OnnxTensor> m = new HashMap<>();
                                OnnxTensor id = OnnxTensor.createTensor(env, LongBuffer.wrap(new long[]{next}), new long[]{1, 1});
                                OnnxTensor yes = OnnxTensor.createTensor(env, new boolean[]{true});
                                m.put("input_ids", id);
                                m.put("encoder_hidden_states", hidden);
                                m.put("use_cache_branch", yes);
                                for (int l = 0; l < 4; l++) {
                                    for (String kv : new String[]{"key", "value"}) {
                                        m.put("past_key_values." + l + ".decoder." + kv, (OnnxTensor) last.get("present." + l + ".decoder." + kv).orElseThrow());
                                        m.put("past_key_values." + l + ".encoder." + kv, (OnnxTensor) first.get("present." + l + ".encoder." + kv).orElseThrow());
                                    }
                                }
                                t0 = System.nanoTime();
                                OrtSession.Result r = dec.run(m);
                                spent += System.nanoTime() - t0;
                                id.close();
                                yes.close();
                                if (last != first) {
                                    last.close();
                                }
                                last = r;
                            }
                            if (last != first) {
                                last.close();
                            }
                            first.close();
                        }
                    }
                    if (rep > 0) {
                        total += spent;
                    }
                }
            }
        }
        return total;
    }
}
