package io.localmodels.speaker;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.localmodels.inference.SessionHandle;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A speaker-embedding ONNX model as sherpa-onnx exports them, told apart by the {@code framework}
 * entry of the model's metadata:
 * <ul>
 *   <li>{@code wespeaker}, {@code 3d-speaker} (WeSpeaker ResNet, 3D-Speaker CAM++ / ERes2Net): one
 *   input of Kaldi fbank features {@code [1, frames, feat_dim]}; samples scaled to 16-bit when
 *   {@code normalize_samples} is 0; the mean over frames subtracted when
 *   {@code feature_normalize_type} is {@code global-mean}; the first output {@code [1, dim]}.</li>
 *   <li>{@code nemo} (NeMo TitaNet): features {@code [1, feat_dim, frames]} and their length
 *   {@code [1]}; the window and frame sizes from the metadata, each bin normalised to zero mean and
 *   unit variance when {@code feature_normalize_type} is {@code per_feature}; the second output
 *   ({@code embs}; the first is the classifier's logits).</li>
 * </ul>
 */
public final class OnnxSpeakerEmbedder implements SpeakerEmbedder {

    public enum Layout { WESPEAKER, THREE_D_SPEAKER, NEMO }

    private final SessionHandle handle;
    private final OrtEnvironment env;
    private final Layout layout;
    private final Fbank fbank;
    private final String normalize;
    private final int dim;
    private final String featuresInput;
    private final String lengthInput;
    private final String embeddingOutput;
    private final String name;

    /** Takes ownership of {@code handle}; throws (closing nothing) when the model is not in a layout it knows. */
    public OnnxSpeakerEmbedder(OrtEnvironment env, SessionHandle handle) throws OrtException {
        this.env = env;
        this.handle = handle;
        OrtSession s = handle.session();
        Map<String, String> meta = s.getMetadata().getCustomMetadata();
        String framework = meta.getOrDefault("framework", "");
        this.layout = switch (framework.toLowerCase(Locale.ROOT)) {
            case "wespeaker" -> Layout.WESPEAKER;
            case "3d-speaker" -> Layout.THREE_D_SPEAKER;
            case "nemo" -> Layout.NEMO;
            default -> throw new IllegalArgumentException(handle.file() + ": the model's metadata has framework=\"" + framework
                    + "\"; a speaker-embedding model in a sherpa-onnx layout names wespeaker, 3d-speaker or nemo"
                    + " (the export scripts of sherpa-onnx's scripts/wespeaker, scripts/3dspeaker and scripts/nemo add it)");
        };
        List<String> inputs = List.copyOf(s.getInputNames());
        List<String> outputs = List.copyOf(s.getOutputNames());
        int wantInputs = layout == Layout.NEMO ? 2 : 1;
        if (inputs.size() != wantInputs || outputs.isEmpty() || (layout == Layout.NEMO && outputs.size() < 2)) {
            throw new IllegalArgumentException(handle.file() + ": a " + framework + " speaker model has " + wantInputs + " input(s) and "
                    + (layout == Layout.NEMO ? "outputs logits, embs" : "an embedding output") + "; this one has inputs " + inputs
                    + " and outputs " + outputs);
        }
        this.featuresInput = inputs.get(0);
        this.lengthInput = layout == Layout.NEMO ? inputs.get(1) : null;
        this.embeddingOutput = layout == Layout.NEMO ? outputs.get(1) : outputs.get(0);
        long[] out = ((TensorInfo) s.getOutputInfo().get(embeddingOutput).getInfo()).getShape();
        if (out.length != 2) {
            throw new IllegalArgumentException(handle.file() + ": output " + embeddingOutput + " has " + out.length
                    + " dimensions; a speaker model answers [1, dim]");
        }
        long[] shape = ((TensorInfo) s.getInputInfo().get(featuresInput).getInfo()).getShape();
        if (shape.length != 3) {
            throw new IllegalArgumentException(handle.file() + ": input " + featuresInput + " has " + shape.length
                    + " dimensions; a speaker model takes [1, frames, bins] (nemo: [1, bins, frames])");
        }
        int bins = intMeta(meta, "feat_dim", (int) (layout == Layout.NEMO ? shape[1] : shape[2]), 80);
        this.dim = intMeta(meta, "output_dim", outputDim(s.getOutputInfo().get(embeddingOutput)), 0);
        int rate = intMeta(meta, "sample_rate", 16_000, 16_000);
        if (rate != Fbank.SAMPLE_RATE) {
            throw new IllegalArgumentException(handle.file() + ": the model wants " + rate + " Hz audio; speakers are embedded at 16 kHz");
        }
        this.normalize = meta.getOrDefault("feature_normalize_type", "");
        if (layout == Layout.NEMO) {
            Fbank.Window w = switch (meta.getOrDefault("window_type", "povey").toLowerCase(Locale.ROOT)) {
                case "hann" -> Fbank.Window.HANN;
                case "hamming" -> Fbank.Window.HAMMING;
                default -> Fbank.Window.POVEY;
            };
            int size = intMeta(meta, "window_size_ms", 25, 25);
            int stride = intMeta(meta, "window_stride_ms", 10, 10);
            if (size != 25 || stride != 10) {
                throw new IllegalArgumentException(handle.file() + ": frames of " + size + "/" + stride + " ms; 25/10 ms are supported");
            }
            this.fbank = new Fbank(new Fbank.Options(bins, w, 0, Fbank.SAMPLE_RATE / 2.0, false, 1.0));
        } else {
            boolean scaled = intMeta(meta, "normalize_samples", 1, 1) == 0;
            this.fbank = new Fbank(Fbank.Options.kaldi(bins, scaled ? 32768.0 : 1.0));
        }
        if (!normalize.isEmpty() && !normalize.equals(layout == Layout.NEMO ? "per_feature" : "global-mean")) {
            throw new IllegalArgumentException(handle.file() + ": feature_normalize_type=" + normalize + " is not supported");
        }
        this.name = framework + " " + handle.file().getFileName() + " (" + bins + " bins, " + dim + "-dim)";
    }

    private static int outputDim(NodeInfo info) {
        long[] shape = ((TensorInfo) info.getInfo()).getShape();
        return shape.length == 2 && shape[1] > 0 ? (int) shape[1] : 0;
    }

    private static int intMeta(Map<String, String> meta, String key, int fallback, int ifUnknown) {
        String v = meta.get(key);
        if (v == null) {
            return fallback > 0 ? fallback : ifUnknown;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("model metadata " + key + "=" + v + " is not a number");
        }
    }

    public Layout layout() {
        return layout;
    }

    @Override
    public float[] embed(float[] audio16k) {
        float[][] f = fbank.compute(audio16k);
        return embedRows(f);
    }

    @Override
    public float[][] frames(float[] audio16k) {
        return fbank.compute(audio16k);
    }

    @Override
    public float[] embedFrames(float[][] frames, int from, int to) {
        float[][] rows = new float[to - from][];
        for (int i = from; i < to; i++) {
            rows[i - from] = frames[i].clone(); // normalised in place below
        }
        return embedRows(rows);
    }

    private float[] embedRows(float[][] f) {
        int frames = f.length;
        int bins = fbank.bins();
        if (frames == 0) {
            throw new IllegalArgumentException("too little audio for one frame");
        }
        normalise(f);
        float[] flat = new float[frames * bins];
        long[] shape;
        if (layout == Layout.NEMO) {
            for (int t = 0; t < frames; t++) {
                for (int b = 0; b < bins; b++) {
                    flat[b * frames + t] = f[t][b];
                }
            }
            shape = new long[] {1, bins, frames};
        } else {
            for (int t = 0; t < frames; t++) {
                System.arraycopy(f[t], 0, flat, t * bins, bins);
            }
            shape = new long[] {1, frames, bins};
        }
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(flat), shape);
             OnnxTensor len = layout == Layout.NEMO ? OnnxTensor.createTensor(env, LongBuffer.wrap(new long[] {frames}), new long[] {1}) : null) {
            Map<String, OnnxTensor> in = len == null ? Map.of(featuresInput, x) : Map.of(featuresInput, x, lengthInput, len);
            try (OrtSession.Result r = handle.run(in, Set.of(embeddingOutput))) {
                OnnxValue out = r.get(0);
                float[][] e = (float[][]) out.getValue();
                return e[0];
            }
        } catch (OrtException e) {
            throw new IllegalStateException("speaker embedding failed: " + e.getMessage(), e);
        }
    }

    private void normalise(float[][] f) {
        if (normalize.isEmpty()) {
            return;
        }
        int bins = fbank.bins();
        for (int b = 0; b < bins; b++) {
            double mean = 0;
            double sq = 0;
            for (float[] row : f) {
                mean += row[b];
                sq += (double) row[b] * row[b];
            }
            mean /= f.length;
            double std = Math.sqrt(Math.max(sq / f.length - mean * mean, 0));
            for (float[] row : f) {
                row[b] = (float) (normalize.equals("per_feature") ? (row[b] - mean) / (std + 1e-5) : row[b] - mean);
            }
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        try {
            handle.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
