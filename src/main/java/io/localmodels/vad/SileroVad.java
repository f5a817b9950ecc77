package io.localmodels.vad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.localmodels.inference.ModelRegistry;
import io.localmodels.inference.OnnxRuntime;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Silero VAD on ONNX Runtime, as Silero's own wrapper runs it: 512-sample windows at 16 kHz with the
 * previous window's last 64 samples prepended, and the recurrent state carried from call to call.
 * One shared session; each stream owns its {@link State}.
 */
@Singleton
public class SileroVad {

    public static final int SAMPLE_RATE = 16000;
    public static final int WINDOW = 512;
    public static final int CONTEXT = 64;
    private static final int STATE_SIZE = 2 * 128;

    private final ModelRegistry registry;
    private final OrtEnvironment env;
    private final String modelId;
    private final Timer windowTimer;
    private volatile OnnxTensor sampleRate;

    public SileroVad(ModelRegistry registry, OnnxRuntime runtime, VadConfig config, MeterRegistry meters) {
        this.registry = registry;
        this.env = runtime.environment();
        this.modelId = config.model();
        this.windowTimer = Timer.builder("lma.vad.window").description("Silero VAD inference time per 32 ms window")
                .publishPercentiles(0.5, 0.95, 0.99).register(meters);
    }

    public String modelId() {
        return modelId;
    }

    /** Per-stream recurrent state and context, in direct buffers ONNX Runtime reads without copying. */
    public static final class State {
        private final FloatBuffer input = direct(CONTEXT + WINDOW);
        private final FloatBuffer state = direct(STATE_SIZE);

        private static FloatBuffer direct(int floats) {
            return ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
    }

    public State newState() {
        return new State();
    }

    /** Speech probability of {@code window[offset .. offset+512)}; advances the stream's state. */
    public float run(State s, float[] window, int offset) throws OrtException {
        OrtSession session = registry.session(modelId);
        // input = [previous 64 samples | 512 new samples]; the previous tail is already at 512..575.
        FloatBuffer in = s.input;
        float[] tail = new float[CONTEXT];
        in.get(WINDOW, tail, 0, CONTEXT);
        in.put(0, tail, 0, CONTEXT);
        in.put(CONTEXT, window, offset, WINDOW);
        long t0 = System.nanoTime();
        try (OnnxTensor input = OnnxTensor.createTensor(env, in.rewind(), new long[] {1, CONTEXT + WINDOW});
             OnnxTensor state = OnnxTensor.createTensor(env, s.state.rewind(), new long[] {2, 1, 128});
             OrtSession.Result r = session.run(Map.of("input", input, "state", state, "sr", sampleRateTensor()))) {
            float prob = ((OnnxTensor) r.get(0)).getFloatBuffer().get(0);
            FloatBuffer next = ((OnnxTensor) r.get(1)).getFloatBuffer();
            s.state.rewind();
            s.state.put(next);
            s.state.rewind();
            return prob;
        } finally {
            windowTimer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private OnnxTensor sampleRateTensor() throws OrtException {
        OnnxTensor t = sampleRate;
        if (t == null) {
            synchronized (this) {
                if (sampleRate == null) {
                    sampleRate = OnnxTensor.createTensor(env, (long) SAMPLE_RATE);
                }
                t = sampleRate;
            }
        }
        return t;
    }

    @PreDestroy
    synchronized void close() {
        if (sampleRate != null) {
            sampleRate.close();
            sampleRate = null;
        }
    }
}
