package io.localmodels.vad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.localmodels.inference.ModelRegistry;
import io.localmodels.inference.OnnxRuntime;
import io.localmodels.inference.SessionHandle;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Silero VAD on ONNX Runtime, as Silero's own wrapper runs it: 512-sample windows at 16 kHz with the
 * previous window's last 64 samples prepended, and the recurrent state carried from call to call.
 * One shared session; each stream owns its {@link State}. Windows of several streams can run as
 * one call (the model has a batch dimension; state is {@code [2, batch, 128]}).
 */
@Singleton
public class SileroVad {

    public static final int SAMPLE_RATE = 16000;
    public static final int WINDOW = 512;
    public static final int CONTEXT = 64;
    private static final int STATE_HALF = 128;

    private final ModelRegistry registry;
    private final OrtEnvironment env;
    private final String modelId;
    private final Timer callTimer;
    private final DistributionSummary batchSizes;

    public SileroVad(ModelRegistry registry, OnnxRuntime runtime, VadConfig config, MeterRegistry meters) {
        this.registry = registry;
        this.env = runtime.environment();
        this.modelId = config.model();
        this.callTimer = Timer.builder("lma.vad.window").description("Silero VAD inference time per call (one window of each stream in the batch)")
                .publishPercentiles(0.5, 0.95, 0.99).register(meters);
        this.batchSizes = DistributionSummary.builder("lma.vad.batch.size").description("Streams per Silero VAD call")
                .register(meters);
    }

    public String modelId() {
        return modelId;
    }

    /** Per-stream recurrent state and the last 64 samples of the previous window. */
    public static final class State {
        final float[] context = new float[CONTEXT];
        final float[] state = new float[2 * STATE_HALF];
    }

    public State newState() {
        return new State();
    }

    /** Reusable direct buffers for one caller thread; ONNX Runtime reads direct buffers without copying. */
    static final class Buffers {
        final int capacity;
        final FloatBuffer input;
        final FloatBuffer state;

        Buffers(int capacity) {
            this.capacity = capacity;
            this.input = direct(capacity * (CONTEXT + WINDOW));
            this.state = direct(capacity * 2 * STATE_HALF);
        }

        private static FloatBuffer direct(int floats) {
            return ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
    }

    /**
     * Runs one window for each stream: {@code windows.get(b)} from {@code offsets[b]} for
     * {@code states.get(b)}; writes the probabilities to {@code probs} and advances every state.
     */
    void run(List<State> states, List<float[]> windows, int[] offsets, float[] probs, Buffers buf) throws OrtException {
        int batch = states.size();
        SessionHandle session = registry.session(modelId);
        FloatBuffer in = buf.input.clear();
        FloatBuffer st = buf.state.clear();
        for (int b = 0; b < batch; b++) {
            State s = states.get(b);
            in.put(s.context);
            in.put(windows.get(b), offsets[b], WINDOW);
            // state is [2, batch, 128]: the stream's two halves go to rows b and batch + b.
            st.put(b * STATE_HALF, s.state, 0, STATE_HALF);
            st.put((batch + b) * STATE_HALF, s.state, STATE_HALF, STATE_HALF);
        }
        in.flip();
        st.position(0).limit(batch * 2 * STATE_HALF);
        long t0 = System.nanoTime();
        try (OnnxTensor input = OnnxTensor.createTensor(env, in, new long[] {batch, CONTEXT + WINDOW});
             OnnxTensor state = OnnxTensor.createTensor(env, st, new long[] {2, batch, STATE_HALF});
             OnnxTensor sr = OnnxTensor.createTensor(env, (long) SAMPLE_RATE);
             OrtSession.Result r = session.run(Map.of("input", input, "state", state, "sr", sr))) {
            FloatBuffer out = ((OnnxTensor) r.get(0)).getFloatBuffer();
            FloatBuffer next = ((OnnxTensor) r.get(1)).getFloatBuffer();
            for (int b = 0; b < batch; b++) {
                probs[b] = out.get(b);
                State s = states.get(b);
                next.get(b * STATE_HALF, s.state, 0, STATE_HALF);
                next.get((batch + b) * STATE_HALF, s.state, STATE_HALF, STATE_HALF);
                System.arraycopy(windows.get(b), offsets[b] + WINDOW - CONTEXT, s.context, 0, CONTEXT);
            }
        } finally {
            callTimer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            batchSizes.record(batch);
        }
    }
}
