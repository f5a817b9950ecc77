package io.localmodels.asr;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import io.localmodels.inference.SessionHandle;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The ONNX Runtime side of one Whisper export: the encoder session and the decoder session(s), and
 * the KV-cache bookkeeping between decoder steps. ONNX Runtime's Java API has no IO binding, so
 * every run's outputs land in ORT-allocated tensors; the present key/values are fed back as those
 * same {@link OnnxTensor} objects (no copy into Java arrays) and only the logits are copied out.
 * Sessions are thread-safe; a {@link Decoding} is not (one per batch).
 */
public final class WhisperOnnxModel implements AutoCloseable {

    /** Opens one session for a model file (the service passes its provider/thread policy in). */
    @FunctionalInterface
    public interface SessionOpener {
        SessionHandle open(Path file) throws OrtException;
    }

    private final OrtEnvironment env;
    private final WhisperConfig config;
    private final SessionHandle encoder;
    private final SessionHandle first;
    private final SessionHandle withPast;
    private final boolean merged;
    private final OnnxJavaType featureType;
    private final OnnxJavaType pastType;
    private final boolean logitsAreFloat;
    // Optimum 1.21.3-1.24 with transformers >= 4.43 declares cache_position on the with-past graph (so on the merged one)
    private final boolean firstHasPositions;
    private final boolean withPastHasPositions;
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

    private static final String CACHE_POSITION = "cache_position";
    private static final Set<String> DECODER_INPUTS = Set.of("input_ids", "encoder_hidden_states", "use_cache_branch", CACHE_POSITION);

    /** An input the engine would not feed fails every run; say which at load instead. */
    private static void rejectUnknownInputs(SessionHandle h, Set<String> known) throws OrtException {
        for (String in : h.session().getInputNames()) {
            if (!known.contains(in) && !in.startsWith("past_key_values.")) {
                throw new OrtException(h.file().getFileName() + " needs the input '" + in + "', which this engine does not"
                        + " know how to feed (it feeds " + new java.util.TreeSet<>(known) + " and past_key_values.*);"
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

    private OrtSession.Result run(SessionHandle session, Map<String, OnnxTensor> inputs, Set<String> outputs) throws OrtException {
        long t0 = System.nanoTime();
        try {
            return session.run(inputs, outputs);
        } finally {
            runNanos.add(System.nanoTime() - t0);
            runs.increment();
        }
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
    public Decoding decoding(Encoded encoded, boolean useCache) {
        return new Decoding(encoded, useCache);
    }

    /**
     * One batch's decoder state. {@link #step} takes the tokens added since the last call (all of the
     * prompt the first time) and answers logits [batch][positions][vocab] for those positions.
     */
    public final class Decoding implements AutoCloseable {
        private final Encoded encoded;
        private final boolean useCache;
        private final int batch;
        private final List<long[]> history = new ArrayList<>();
        private OrtSession.Result crossResult;   // step 0's result: holds present.*.encoder.*
        private OrtSession.Result selfResult;    // the latest result: holds present.*.decoder.*
        private final List<OnnxTensor> owned = new ArrayList<>();
        // One-position logits of the cached steps land here (a pinned output): no copy out of ORT.
        private FloatBuffer stepLogits;
        private OnnxTensor stepLogitsTensor;

        private Decoding(Encoded encoded, boolean useCache) {
            this.encoded = encoded;
            this.useCache = useCache;
            this.batch = encoded.batch;
        }

        /** {@code tokens[row]} are the new tokens of each row (same count for every row). */
        public FloatBuffer step(long[][] tokens) throws OrtException {
            int n = tokens[0].length;
            for (int r = 0; r < batch; r++) {
                long[] prev = history.size() > r ? history.get(r) : new long[0];
                long[] all = java.util.Arrays.copyOf(prev, prev.length + n);
                System.arraycopy(tokens[r], 0, all, prev.length, n);
                if (history.size() > r) {
                    history.set(r, all);
                } else {
                    history.add(all);
                }
            }
            if (!useCache) {
                return recompute();
            }
            return crossResult == null ? firstStep(tokens) : nextStep(tokens);
        }

        private FloatBuffer recompute() throws OrtException {
            long[][] all = history.toArray(new long[0][]);
            try (OnnxTensor ids = ids(all)) {
                Map<String, OnnxTensor> inputs = firstInputs(ids);
                try (OrtSession.Result r = run(first, inputs, Set.of("logits"))) {
                    return logits(r, all[0].length);
                } finally {
                    closeOwned();
                }
            }
        }

        private Map<String, OnnxTensor> firstInputs(OnnxTensor ids) throws OrtException {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put("input_ids", ids);
            inputs.put("encoder_hidden_states", encoded.hidden);
            if (firstHasPositions) {
                inputs.put(CACHE_POSITION, positions(0, (int) ids.getInfo().getShape()[1]));
            }
            if (merged) {
                OnnxTensor empty = emptyPast();
                for (String name : first.session().getInputNames()) {
                    if (name.startsWith("past_key_values.")) {
                        inputs.put(name, empty);
                    }
                }
                inputs.put("use_cache_branch", own(OnnxTensor.createTensor(env, new boolean[]{false})));
            }
            return inputs;
        }

        private FloatBuffer firstStep(long[][] tokens) throws OrtException {
            try (OnnxTensor ids = ids(tokens)) {
                Map<String, OnnxTensor> inputs = firstInputs(ids);
                crossResult = run(first, inputs, outputs(first.session(), true));
                closeOwned();
                return logits(crossResult, tokens[0].length);
            }
        }

        private FloatBuffer nextStep(long[][] tokens) throws OrtException {
            try (OnnxTensor ids = ids(tokens)) {
                Map<String, OnnxTensor> inputs = new HashMap<>();
                inputs.put("input_ids", ids);
                OrtSession.Result selfSource = selfResult != null ? selfResult : crossResult;
                for (int l = 0; l < config.decoderLayers(); l++) {
                    for (String kv : new String[]{"key", "value"}) {
                        inputs.put("past_key_values." + l + ".decoder." + kv, tensor(selfSource, "present." + l + ".decoder." + kv));
                        inputs.put("past_key_values." + l + ".encoder." + kv, tensor(crossResult, "present." + l + ".encoder." + kv));
                    }
                }
                if (withPast.session().getInputNames().contains("encoder_hidden_states")) {
                    inputs.put("encoder_hidden_states", encoded.hidden);
                }
                if (withPastHasPositions) {
                    int n = tokens[0].length;
                    inputs.put(CACHE_POSITION, positions(history.get(0).length - n, n));
                }
                if (merged) {
                    inputs.put("use_cache_branch", own(OnnxTensor.createTensor(env, new boolean[]{true})));
                }
                Set<String> wanted = outputs(withPast.session(), false);
                Map<String, OnnxTensor> pinned = Map.of();
                if (tokens[0].length == 1 && logitsAreFloat) {
                    if (stepLogitsTensor == null) {
                        stepLogits = ByteBuffer.allocateDirect(batch * config.vocabSize() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
                        stepLogitsTensor = OnnxTensor.createTensor(env, stepLogits, new long[]{batch, 1, config.vocabSize()});
                    }
                    pinned = Map.of("logits", stepLogitsTensor);
                    wanted = new LinkedHashSet<>(wanted);
                    wanted.remove("logits");
                }
                long t0 = System.nanoTime();
                OrtSession.Result result;
                try {
                    result = withPast.run(inputs, wanted, pinned);
                } finally {
                    runNanos.add(System.nanoTime() - t0);
                    runs.increment();
                }
                closeOwned();
                if (selfResult != null) {
                    selfResult.close();
                }
                selfResult = result;
                if (!pinned.isEmpty()) {
                    return stepLogits.duplicate().rewind();
                }
                return logits(result, tokens[0].length);
            }
        }

        private Set<String> outputs(OrtSession session, boolean withEncoder) {
            Set<String> out = new LinkedHashSet<>();
            out.add("logits");
            for (int l = 0; l < config.decoderLayers(); l++) {
                for (String kv : new String[]{"key", "value"}) {
                    out.add("present." + l + ".decoder." + kv);
                    String enc = "present." + l + ".encoder." + kv;
                    if (withEncoder && session.getOutputNames().contains(enc)) {
                        out.add(enc);
                    }
                }
            }
            return out;
        }

        private OnnxTensor tensor(OrtSession.Result r, String name) throws OrtException {
            OnnxValue v = r.get(name).orElseThrow(() -> new OrtException("decoder did not return " + name));
            return (OnnxTensor) v;
        }

        private OnnxTensor emptyPast() throws OrtException {
            long[] shape = {batch, config.decoderHeads(), 0, config.headDim()};
            ByteBuffer none = ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder());
            return own(pastType == OnnxJavaType.FLOAT16
                    ? OnnxTensor.createTensor(env, none, shape, OnnxJavaType.FLOAT16)
                    : OnnxTensor.createTensor(env, none.asFloatBuffer(), shape));
        }

        /** cache_position: the positions of this step's tokens, {@code past .. past + n - 1}. */
        private OnnxTensor positions(int past, int n) throws OrtException {
            long[] p = new long[n];
            for (int i = 0; i < n; i++) {
                p[i] = past + i;
            }
            return own(OnnxTensor.createTensor(env, p));
        }

        private OnnxTensor own(OnnxTensor t) {
            owned.add(t);
            return t;
        }

        private void closeOwned() {
            owned.forEach(OnnxTensor::close);
            owned.clear();
        }

        private OnnxTensor ids(long[][] rows) throws OrtException {
            int n = rows[0].length;
            LongBuffer buf = ByteBuffer.allocateDirect(rows.length * n * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
            for (long[] row : rows) {
                buf.put(row);
            }
            buf.rewind();
            return OnnxTensor.createTensor(env, buf, new long[]{rows.length, n});
        }

        private FloatBuffer logits(OrtSession.Result r, int positions) throws OrtException {
            OnnxTensor t = tensor(r, "logits");
            long[] shape = t.getInfo().getShape();
            if (shape.length != 3 || shape[0] != batch || shape[1] != positions || shape[2] != config.vocabSize()) {
                throw new OrtException("unexpected logits shape " + java.util.Arrays.toString(shape));
            }
            return t.getFloatBuffer();
        }

        @Override
        public void close() {
            closeOwned();
            if (stepLogitsTensor != null) {
                stepLogitsTensor.close();
            }
            if (selfResult != null) {
                selfResult.close();
            }
            if (crossResult != null) {
                crossResult.close();
            }
        }
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
