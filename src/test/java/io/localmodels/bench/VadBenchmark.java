package io.localmodels.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.localmodels.inference.ModelRegistry;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import io.localmodels.vad.SileroVad;
import io.localmodels.vad.VadBatcher;
import io.localmodels.vad.VadConfig;
import io.localmodels.vad.VadEvent;
import io.localmodels.vad.VadParameters;
import io.localmodels.vad.VadStream;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * Not part of the test suite (run explicitly, see docs/benchmarks.md): Silero VAD real-time factor
 * of the service's streaming VAD on one core, next to a raw ONNX Runtime loop over the same model
 * and audio, and batched vs single inference calls.
 */
@QuarkusTest
class VadBenchmark {

    @Inject
    SileroVad vad;

    @Inject
    VadBatcher batcher;

    @Inject
    ModelRegistry registry;

    @Inject
    VadConfig config;

    static final int REPEAT = Integer.getInteger("bench.repeat", 10);

    float[] longAudio() throws Exception {
        float[] one = Wav.read(SharedFiles.require("audio/silero-test.wav")).mono();
        float[] audio = new float[one.length * REPEAT];
        for (int i = 0; i < REPEAT; i++) {
            System.arraycopy(one, 0, audio, i * one.length, one.length);
        }
        return audio;
    }

    double streamOnce(float[] audio) throws Exception {
        VadStream stream = new VadStream(batcher, vad, VadParameters.from(config), 1);
        int segments = 0;
        long t0 = System.nanoTime();
        for (int pos = 0; pos < audio.length; pos += 320) {
            for (VadEvent e : stream.accept(Arrays.copyOfRange(audio, pos, Math.min(pos + 320, audio.length))).toCompletableFuture().join()) {
                segments += e instanceof VadEvent.SpeechStopped ? 1 : 0;
            }
        }
        segments += (int) stream.finish().toCompletableFuture().join().stream().filter(VadEvent.SpeechStopped.class::isInstance).count();
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.println("service VadStream: " + segments + " segments in " + s + " s");
        return s;
    }

    double rawOnce(OrtSession session, float[] audio) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] state = new float[256];
        float[] x = new float[576];
        long t0 = System.nanoTime();
        try (OnnxTensor sr = OnnxTensor.createTensor(env, 16000L)) {
            for (int pos = 0; pos + 512 <= audio.length; pos += 512) {
                System.arraycopy(x, 512, x, 0, 64);
                System.arraycopy(audio, pos, x, 64, 512);
                try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 576});
                     OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(state), new long[] {2, 1, 128});
                     OrtSession.Result r = session.run(Map.of("input", in, "state", st, "sr", sr))) {
                    ((OnnxTensor) r.get(1)).getFloatBuffer().get(state);
                }
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Seconds for {@code windows} steps of {@code batch} streams: one call of batch B vs B calls of batch 1. */
    double batched(OrtSession session, int batch, int windows, boolean asOneCall) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] x = new float[576 * batch];
        float[] state = new float[256 * batch];
        Random rnd = new Random(1);
        long t0 = System.nanoTime();
        try (OnnxTensor sr = OnnxTensor.createTensor(env, 16000L)) {
            for (int w = 0; w < windows; w++) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (rnd.nextGaussian() * 0.05);
                }
                if (asOneCall) {
                    try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {batch, 576});
                         OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.wrap(state), new long[] {2, batch, 128});
                         OrtSession.Result r = session.run(Map.of("input", in, "state", st, "sr", sr))) {
                        ((OnnxTensor) r.get(1)).getFloatBuffer().get(state);
                    }
                } else {
                    for (int b = 0; b < batch; b++) {
                        float[] one = Arrays.copyOfRange(x, b * 576, (b + 1) * 576);
                        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(one), new long[] {1, 576});
                             OnnxTensor st = OnnxTensor.createTensor(env, FloatBuffer.allocate(256), new long[] {2, 1, 128});
                             OrtSession.Result r = session.run(Map.of("input", in, "state", st, "sr", sr))) {
                            r.get(0);
                        }
                    }
                }
            }
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    @Test
    void sileroRealTimeFactor() throws Exception {
        registry.load("silero-vad");
        float[] audio = longAudio();
        double audioSeconds = audio.length / 16000.0;
        OrtSession session = registry.session("silero-vad").session(); // the raw session: the baseline without the service

        streamOnce(audio);
        rawOnce(session, audio);
        double service = Double.MAX_VALUE;
        double raw = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            service = Math.min(service, streamOnce(audio));
            raw = Math.min(raw, rawOnce(session, audio));
        }
        System.out.printf("BENCH vad audio_s=%.1f service_s=%.3f service_rtf=%.5f raw_ort_s=%.3f raw_rtf=%.5f overhead=%.3f%n",
                audioSeconds, service, service / audioSeconds, raw, raw / audioSeconds, service / raw);

        int windows = 2000;
        for (int batch : new int[] {4, 8, 16}) {
            batched(session, batch, 200, true);
            batched(session, batch, 200, false);
            double one = Double.MAX_VALUE;
            double many = Double.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                one = Math.min(one, batched(session, batch, windows / batch * 4, true));
                many = Math.min(many, batched(session, batch, windows / batch * 4, false));
            }
            System.out.printf("BENCH vad-batch batch=%d one_call_s=%.3f single_calls_s=%.3f speedup=%.2f%n",
                    batch, one, many, many / one);
        }
    }
}
