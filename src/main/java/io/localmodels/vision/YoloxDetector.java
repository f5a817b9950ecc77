package io.localmodels.vision;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.localmodels.inference.ModelRegistry;
import io.localmodels.inference.OnnxRuntime;
import jakarta.inject.Singleton;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * YOLOX-nano (COCO) as its reference demo runs it: the image scaled to fit 416×416 at the top-left
 * with grey (114) padding, BGR 0–255 planes; the anchor-free grid outputs decoded per stride
 * (8, 16, 32), score = objectness × class score, class-aware non-maximum suppression, boxes mapped
 * back to the original image.
 */
@Singleton
public class YoloxDetector {

    static final int SIZE = 416;
    private static final int[] STRIDES = {8, 16, 32};
    private static final int ATTRS = 85;

    private final ModelRegistry registry;
    private final OrtEnvironment env;
    private final String modelId;
    private final double scoreThreshold;
    private final double nmsIou;

    public YoloxDetector(ModelRegistry registry, OnnxRuntime runtime, VisionConfig config) {
        this.registry = registry;
        this.env = runtime.environment();
        this.modelId = config.detectorModel();
        this.scoreThreshold = config.scoreThreshold();
        this.nmsIou = config.nmsIou();
    }

    public String modelId() {
        return modelId;
    }

    /** Letterboxed BGR planes [3, 416, 416] and the scale applied. */
    record Input(FloatBuffer planes, double ratio) {
    }

    static Input letterbox(BufferedImage img) {
        double r = Math.min((double) SIZE / img.getHeight(), (double) SIZE / img.getWidth());
        int nw = Math.max(1, (int) (img.getWidth() * r));
        int nh = Math.max(1, (int) (img.getHeight() * r));
        BufferedImage canvas = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(new java.awt.Color(114, 114, 114));
            g.fillRect(0, 0, SIZE, SIZE);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, nw, nh, null);
        } finally {
            g.dispose();
        }
        FloatBuffer planes = ByteBuffer.allocateDirect(3 * SIZE * SIZE * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        int[] rgb = canvas.getRGB(0, 0, SIZE, SIZE, null, 0, SIZE);
        int plane = SIZE * SIZE;
        for (int i = 0; i < plane; i++) {
            int p = rgb[i];
            planes.put(i, p & 0xff);                     // B
            planes.put(plane + i, (p >> 8) & 0xff);      // G
            planes.put(2 * plane + i, (p >> 16) & 0xff); // R
        }
        return new Input(planes, r);
    }

    public List<Detection> detect(BufferedImage img) throws OrtException {
        Input in = letterbox(img);
        OrtSession session = registry.session(modelId);
        float[] out;
        try (OnnxTensor t = OnnxTensor.createTensor(env, in.planes(), new long[] {1, 3, SIZE, SIZE});
             OrtSession.Result r = session.run(Map.of("images", t))) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            out = new float[fb.remaining()];
            fb.get(out);
        }
        return decode(out, in.ratio(), img.getWidth(), img.getHeight());
    }

    List<Detection> decode(float[] out, double ratio, int width, int height) {
        record Candidate(int cls, double score, double x1, double y1, double x2, double y2) {
        }
        List<Candidate> candidates = new ArrayList<>();
        int row = 0;
        for (int stride : STRIDES) {
            int cells = SIZE / stride;
            for (int gy = 0; gy < cells; gy++) {
                for (int gx = 0; gx < cells; gx++, row++) {
                    int o = row * ATTRS;
                    double obj = out[o + 4];
                    if (obj < scoreThreshold) {
                        continue;
                    }
                    int best = 0;
                    for (int c = 1; c < 80; c++) {
                        if (out[o + 5 + c] > out[o + 5 + best]) {
                            best = c;
                        }
                    }
                    double score = obj * out[o + 5 + best];
                    if (score < scoreThreshold) {
                        continue;
                    }
                    double cx = (out[o] + gx) * stride;
                    double cy = (out[o + 1] + gy) * stride;
                    double w = Math.exp(out[o + 2]) * stride;
                    double h = Math.exp(out[o + 3]) * stride;
                    candidates.add(new Candidate(best, score, (cx - w / 2) / ratio, (cy - h / 2) / ratio,
                            (cx + w / 2) / ratio, (cy + h / 2) / ratio));
                }
            }
        }
        candidates.sort(Comparator.comparingDouble(Candidate::score).reversed());
        List<Candidate> kept = new ArrayList<>();
        for (Candidate c : candidates) {
            boolean suppressed = false;
            for (Candidate k : kept) {
                if (k.cls() == c.cls() && iou(k.x1(), k.y1(), k.x2(), k.y2(), c.x1(), c.y1(), c.x2(), c.y2()) > nmsIou) {
                    suppressed = true;
                    break;
                }
            }
            if (!suppressed) {
                kept.add(c);
            }
        }
        List<Detection> result = new ArrayList<>(kept.size());
        for (Candidate c : kept) {
            double x1 = clamp(c.x1() / width);
            double y1 = clamp(c.y1() / height);
            double x2 = clamp(c.x2() / width);
            double y2 = clamp(c.y2() / height);
            result.add(new Detection(CocoLabels.ALL.get(c.cls()).en(), round(c.score()),
                    new Box(round(x1), round(y1), round(x2 - x1), round(y2 - y1))));
        }
        return result;
    }

    private static double iou(double ax1, double ay1, double ax2, double ay2, double bx1, double by1, double bx2, double by2) {
        double iw = Math.max(0, Math.min(ax2, bx2) - Math.max(ax1, bx1));
        double ih = Math.max(0, Math.min(ay2, by2) - Math.max(ay1, by1));
        double inter = iw * ih;
        double union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
        return union <= 0 ? 0 : inter / union;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
