package io.localmodels.asr;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import io.localmodels.inference.SessionHandle;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ONNX Runtime side of one Whisper export: the encoder session and the decoder session(s), checked
 * at load against what the decoding feeds them. ONNX Runtime's Java API has no IO binding, so every
 * run's outputs land in ORT-allocated tensors; {@link WhisperDecoding} keeps the KV cache between decoder
 * steps in those. Sessions are thread-safe; a {@link WhisperDecoding} is not (one per batch).
 */
public final class WhisperOnnxModel implements AutoCloseable {

    /** Opens one session for a model file (the service passes its provider/thread policy in). */
    @FunctionalInterface
    public interface SessionOpener {
        SessionHandle open(Path file) throws OrtException;
    }

    final OrtEnvironment env;
    final WhisperConfig config;
    private final SessionHandle encoder;
    final SessionHandle first;
    final SessionHandle withPast;
    final boolean merged;
    private final OnnxJavaType featureType;
    final OnnxJavaType pastType;
    final boolean logitsAreFloat;
    // Optimum 1.21.3-1.24 with transformers >= 4.43 declares cache_position on the with-past graph (so on the merged one)
    final boolean firstHasPositions;
    final boolean withPastHasPositions;
    private final LongAdder runNanos = new LongAdder();
    private final LongAdder runs = new LongAdder();

    public WhisperOnnxModel(OrtEnvironment env, WhisperModelFiles files, WhisperConfig config, SessionOpener opener) throws OrtException {
        this.env = env;
        this.config = config;
        List<SessionHandle> opened = new ArrayList<>();
        try {
            encoder = open(opener, files.encoder(), opened);
            if (files.merged()) {
                first = open(opener, files.mergedDecoder().orElseThrow(), opened);
                withPast = first;
                merged = true;
            } else {
                first = open(opener, files.decoder().orElseThrow(), opened);
                withPast = open(opener, files.decoderWithPast().orElseThrow(), opened);
                merged = false;
            }
            featureType = tensorType(encoder.session(), "input_features");
            rejectUnknownInputs(encoder, Set.of("input_features"));
            rejectUnknownInputs(first, DECODER_INPUTS);
            rejectUnknownInputs(withPast, DECODER_INPUTS);
            firstHasPositions = first.session().getInputNames().contains(CACHE_POSITION);
            withPastHasPositions = withPast.session().getInputNames().contains(CACHE_POSITION);
            check(first.session(), List.of("input_ids", "encoder_hidden_states"), "logits");
            check(withPast.session(), List.of("input_ids", "past_key_values.0.decoder.key"), "present.0.decoder.key");
            if (merged) {
                check(first.session(), List.of("use_cache_branch"), "present.0.encoder.key");
            }
            pastType = tensorType(withPast.session(), "past_key_values.0.decoder.key");
            NodeInfo logitsInfo = withPast.session().getOutputInfo().get("logits");
            logitsAreFloat = logitsInfo != null && logitsInfo.getInfo() instanceof TensorInfo t && t.type == OnnxJavaType.FLOAT;
            int layers = 0;
            while (withPast.session().getInputNames().contains("past_key_values." + layers + ".decoder.key")) {
                layers++;
            }
            if (layers != config.decoderLayers()) {
                throw new OrtException("decoder has " + layers + " layers of past key/values but config.json says " + config.decoderLayers());
            }
        } catch (OrtException | RuntimeException e) {
            for (SessionHandle h : opened) {
                try {
                    h.close();
                } catch (OrtException ignored) {
                    // already failing
                }
            }
            throw e;
        }
    }

    static final String CACHE_POSITION = "cache_position";
    private static final Set<String> DECODER_INPUTS = Set.of("input_ids", "encoder_hidden_states", "use_cache_branch", CACHE_POSITION);

    /** An input the engine would not feed fails every run; say which at load instead. */
    private static void rejectUnknownInputs(SessionHandle h, Set<String> known) throws OrtException {
        for (String in : h.session().getInputNames()) {
            if (!known.contains(in) && !in.startsWith("past_key_values.")) {
                throw new OrtException(h.file().getFileName() + " needs the input '" + in + "', which this engine does not"
                        + " know how to feed (it feeds " + new TreeSet<>(known) + " and past_key_values.*);"
                        + " re-export with optimum-cli export onnx --task automatic-speech-recognition-with-past");
            }
        }
    }

    private static SessionHandle open(SessionOpener opener, Path file, List<SessionHandle> opened) throws OrtException {
        SessionHandle h = opener.open(file);
        opened.add(h);
        return h;
    }

    private static void check(OrtSession session, List<String> inputs, String output) throws OrtException {
        for (String in : inputs) {
            if (!session.getInputNames().contains(in)) {
                throw new OrtException("not a Hugging Face Whisper decoder export: input '" + in + "' missing (has " + session.getInputNames() + ")");
            }
        }
        if (!session.getOutputNames().contains(output)) {
            throw new OrtException("not a Hugging Face Whisper decoder export: output '" + output + "' missing");
        }
    }

    private static OnnxJavaType tensorType(OrtSession session, String input) throws OrtException {
        NodeInfo info = session.getInputInfo().get(input);
        if (info == null || !(info.getInfo() instanceof TensorInfo t)) {
            throw new OrtException("model input '" + input + "' missing or not a tensor (inputs: " + session.getInputNames() + ")");
        }
        return t.type;
    }

    public WhisperConfig config() {
        return config;
    }

    public boolean merged() {
        return merged;
    }

    /** Nanoseconds spent inside {@code OrtSession.run} so far (for the overhead benchmark). */
    public long runNanos() {
        return runNanos.sum();
    }

    public long runs() {
        return runs.sum();
    }

    OrtSession.Result run(SessionHandle session, Map<String, OnnxTensor> inputs, Set<String> outputs) throws OrtException {
        long t0 = System.nanoTime();
        try {
            return session.run(inputs, outputs);
        } finally {
            counted(System.nanoTime() - t0);
        }
    }

    void counted(long runNanos) {
        this.runNanos.add(runNanos);
        runs.increment();
    }

    /** Encoder output for {@code batch} feature rows (each mels × 3000). The caller closes it. */
    public Encoded encode(float[][] features) throws OrtException {
        int batch = features.length;
        int per = config.mels() * LogMelSpectrogram.FRAMES;
        long[] shape = {batch, config.mels(), LogMelSpectrogram.FRAMES};
        OnnxTensor input;
        if (featureType == OnnxJavaType.FLOAT16) {
            ShortBuffer buf = ByteBuffer.allocateDirect(batch * per * 2).order(ByteOrder.nativeOrder()).asShortBuffer();
            for (float[] row : features) {
                for (float v : row) {
                    buf.put(Fp16Conversions.floatToFp16(v));
                }
            }
            buf.rewind();
            // the ShortBuffer overload without a type makes INT16; fp16 exports want FLOAT16
            input = OnnxTensor.createTensor(env, buf, shape, OnnxJavaType.FLOAT16);
        } else {
            FloatBuffer buf = ByteBuffer.allocateDirect(batch * per * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            for (float[] row : features) {
                buf.put(row, 0, per);
            }
            buf.rewind();
            input = OnnxTensor.createTensor(env, buf, shape);
        }
        try (input) {
            OrtSession.Result result = run(encoder, Map.of("input_features", input), Set.of("last_hidden_state"));
            return new Encoded(result, (OnnxTensor) result.get("last_hidden_state").orElseThrow(), batch);
        }
    }

    /** Encoder output held open for the decoder. */
    public static final class Encoded implements AutoCloseable {
        private final OrtSession.Result result;
        final OnnxTensor hidden;
        final int batch;

        Encoded(OrtSession.Result result, OnnxTensor hidden, int batch) {
            this.result = result;
            this.hidden = hidden;
            this.batch = batch;
        }

        /** The hidden states copied out (tests and diagnostics). */
        public float[] copy() {
            FloatBuffer b = hidden.getFloatBuffer();
            float[] out = new float[b.remaining()];
            b.get(out);
            return out;
        }

        @Override
        public void close() {
            result.close();
        }
    }

    /** Starts a decoding over {@code encoded}; {@code useCache=false} recomputes the whole sequence each step. */
    public WhisperDecoding decoding(Encoded encoded, boolean useCache) {
        return new WhisperDecoding(this, encoded, useCache);
    }

    @Override
    public void close() throws OrtException {
        try {
            encoder.close();
        } finally {
            first.close();
            if (!merged) {
                withPast.close();
            }
        }
    }
}
