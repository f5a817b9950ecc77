package io.localmodels.asr;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One batch's decoder state over a {@link WhisperOnnxModel}'s sessions: the KV cache between steps. {@link #step}
 * takes the tokens added since the last call (all of the prompt the first time) and answers logits
 * [batch][positions][vocab] for those positions. The present key/values are fed back as the ORT-owned
 * tensors they came in (no copy into Java arrays); only the logits are read out. Not thread-safe.
 */
public final class WhisperDecoding implements AutoCloseable {

    private final WhisperOnnxModel model;
    private final WhisperOnnxModel.Encoded encoded;
    private final boolean useCache;
    private final int batch;
    private final List<long[]> history = new ArrayList<>();
    private OrtSession.Result crossResult;   // step 0's result: holds present.*.encoder.*
    private OrtSession.Result selfResult;    // the latest result: holds present.*.decoder.*
    private final List<OnnxTensor> owned = new ArrayList<>();
    // One-position logits of the cached steps land here (a pinned output): no copy out of ORT.
    private FloatBuffer stepLogits;
    private OnnxTensor stepLogitsTensor;

    WhisperDecoding(WhisperOnnxModel model, WhisperOnnxModel.Encoded encoded, boolean useCache) {
        this.model = model;
        this.encoded = encoded;
        this.useCache = useCache;
        this.batch = encoded.batch;
    }

    /** {@code tokens[row]} are the new tokens of each row (same count for every row). */
    public FloatBuffer step(long[][] tokens) throws OrtException {
        int n = tokens[0].length;
        for (int r = 0; r < batch; r++) {
            long[] prev = history.size() > r ? history.get(r) : new long[0];
            long[] all = Arrays.copyOf(prev, prev.length + n);
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
            try (OrtSession.Result r = model.run(model.first, inputs, Set.of("logits"))) {
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
        if (model.firstHasPositions) {
            inputs.put(WhisperOnnxModel.CACHE_POSITION, positions(0, (int) ids.getInfo().getShape()[1]));
        }
        if (model.merged) {
            OnnxTensor empty = emptyPast();
            for (String name : model.first.session().getInputNames()) {
                if (name.startsWith("past_key_values.")) {
                    inputs.put(name, empty);
                }
            }
            inputs.put("use_cache_branch", own(OnnxTensor.createTensor(model.env, new boolean[]{false})));
        }
        return inputs;
    }

    private FloatBuffer firstStep(long[][] tokens) throws OrtException {
        try (OnnxTensor ids = ids(tokens)) {
            Map<String, OnnxTensor> inputs = firstInputs(ids);
            crossResult = model.run(model.first, inputs, outputs(model.first.session(), true));
            closeOwned();
            return logits(crossResult, tokens[0].length);
        }
    }

    private FloatBuffer nextStep(long[][] tokens) throws OrtException {
        try (OnnxTensor ids = ids(tokens)) {
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put("input_ids", ids);
            OrtSession.Result selfSource = selfResult != null ? selfResult : crossResult;
            for (int l = 0; l < model.config.decoderLayers(); l++) {
                for (String kv : new String[]{"key", "value"}) {
                    inputs.put("past_key_values." + l + ".decoder." + kv, tensor(selfSource, "present." + l + ".decoder." + kv));
                    inputs.put("past_key_values." + l + ".encoder." + kv, tensor(crossResult, "present." + l + ".encoder." + kv));
                }
            }
            if (model.withPast.session().getInputNames().contains("encoder_hidden_states")) {
                inputs.put("encoder_hidden_states", encoded.hidden);
            }
            if (model.withPastHasPositions) {
                int n = tokens[0].length;
                inputs.put(WhisperOnnxModel.CACHE_POSITION, positions(history.get(0).length - n, n));
            }
            if (model.merged) {
                inputs.put("use_cache_branch", own(OnnxTensor.createTensor(model.env, new boolean[]{true})));
            }
            Set<String> wanted = outputs(model.withPast.session(), false);
            Map<String, OnnxTensor> pinned = Map.of();
            if (tokens[0].length == 1 && model.logitsAreFloat) {
                if (stepLogitsTensor == null) {
                    stepLogits = ByteBuffer.allocateDirect(batch * model.config.vocabSize() * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
                    stepLogitsTensor = OnnxTensor.createTensor(model.env, stepLogits, new long[]{batch, 1, model.config.vocabSize()});
                }
                pinned = Map.of("logits", stepLogitsTensor);
                wanted = new LinkedHashSet<>(wanted);
                wanted.remove("logits");
            }
            long t0 = System.nanoTime();
            OrtSession.Result result;
            try {
                result = model.withPast.run(inputs, wanted, pinned);
            } finally {
                model.counted(System.nanoTime() - t0);
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
        for (int l = 0; l < model.config.decoderLayers(); l++) {
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
        long[] shape = {batch, model.config.decoderHeads(), 0, model.config.headDim()};
        ByteBuffer none = ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder());
        return own(model.pastType == OnnxJavaType.FLOAT16
                ? OnnxTensor.createTensor(model.env, none, shape, OnnxJavaType.FLOAT16)
                : OnnxTensor.createTensor(model.env, none.asFloatBuffer(), shape));
    }

    /** cache_position: the positions of this step's tokens, {@code past .. past + n - 1}. */
    private OnnxTensor positions(int past, int n) throws OrtException {
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = past + i;
        }
        return own(OnnxTensor.createTensor(model.env, p));
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
        return OnnxTensor.createTensor(model.env, buf, new long[]{rows.length, n});
    }

    private FloatBuffer logits(OrtSession.Result r, int positions) throws OrtException {
        OnnxTensor t = tensor(r, "logits");
        long[] shape = t.getInfo().getShape();
        if (shape.length != 3 || shape[0] != batch || shape[1] != positions || shape[2] != model.config.vocabSize()) {
            throw new OrtException("unexpected logits shape " + Arrays.toString(shape));
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
