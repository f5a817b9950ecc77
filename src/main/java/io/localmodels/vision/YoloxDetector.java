package io.localmodels.vision;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.localmodels.inference.ModelRegistry;
import io.localmodels.inference.OnnxRuntime;
import io.localmodels.inference.SessionHandle;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntUnaryOperator;

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
    /** Grid cells over the three strides: 52² + 26² + 13². */
    private static final int CELLS = 3549;

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

    /**
     * One input and one output buffer per vision worker thread, reused for every frame: the input
     * tensor wraps the direct input buffer (no copy into ORT) and ORT writes the output straight into
     * the pinned output tensor (no copy out). Bounded by the number of vision workers.
     */
    private final class Buffers implements AutoCloseable {
        final FloatBuffer planes = direct(3 * SIZE * SIZE);
        final FloatBuffer output = direct(CELLS * ATTRS);
        final OnnxTensor input;
        final OnnxTensor pinned;

        Buffers() throws OrtException {
            input = OnnxTensor.createTensor(env, planes, new long[] {1, 3, SIZE, SIZE});
            pinned = OnnxTensor.createTensor(env, output, new long[] {1, CELLS, ATTRS});
        }

        @Override
        public void close() {
            input.close();
            pinned.close();
        }
    }

    private final ThreadLocal<Buffers> buffers = new ThreadLocal<>();
    private final Set<Buffers> allBuffers = ConcurrentHashMap.newKeySet();
    /** Runs hold it shared; closing the buffers takes it exclusively, so no run ever sees a freed tensor. */
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * The YOLOX demo's preprocessing in one pass over only the pixels it needs: scale to fit 416×416
     * keeping the aspect (bilinear with pixel-centre alignment, as cv2.resize INTER_LINEAR), pad with
     * 114, BGR planes [3, 416, 416]. Samples come straight from the decoder's raster (YCbCr converted per sampled
     * pixel, EXIF orientation applied through the offsets), so no full-size RGB copy is ever made.
     * Returns the scale ratio.
     */
    static double letterbox(DecodedImage img, FloatBuffer planes) {
        int w = img.width();
        int h = img.height();
        double r = Math.min((double) SIZE / h, (double) SIZE / w);
        int nw = Math.max(1, Math.min(SIZE, (int) (w * r)));
        int nh = Math.max(1, Math.min(SIZE, (int) (h * r)));
        int[] x0 = new int[nw];
        int[] x1 = new int[nw];
        float[] fx = new float[nw];
        taps(w, nw, x0, x1, fx, img::offsetX);
        int[] y0 = new int[nh];
        int[] y1 = new int[nh];
        float[] fy = new float[nh];
        taps(h, nh, y0, y1, fy, img::offsetY);
        int plane = SIZE * SIZE;
        float[] blue = new float[SIZE];
        float[] green = new float[SIZE];
        float[] red = new float[SIZE];
        Arrays.fill(blue, nw, SIZE, 114f);
        Arrays.fill(green, nw, SIZE, 114f);
        Arrays.fill(red, nw, SIZE, 114f);
        for (int oy = 0; oy < nh; oy++) {
            int ra = y0[oy];
            int rb = y1[oy];
            float wy = fy[oy];
            for (int ox = 0; ox < nw; ox++) {
                // Each tap converted to RGB first, then interpolated: what resizing an RGB image does.
                int q00 = img.packed(ra + x0[ox]);
                int q01 = img.packed(ra + x1[ox]);
                int q10 = img.packed(rb + x0[ox]);
                int q11 = img.packed(rb + x1[ox]);
                float wx = fx[ox];
                blue[ox] = lerp(q00, q01, q10, q11, 0, wx, wy);
                green[ox] = lerp(q00, q01, q10, q11, 8, wx, wy);
                red[ox] = lerp(q00, q01, q10, q11, 16, wx, wy);
            }
            int row = oy * SIZE;
            planes.put(row, blue).put(plane + row, green).put(2 * plane + row, red);
        }
        Arrays.fill(blue, 114f);
        for (int oy = nh; oy < SIZE; oy++) {
            int row = oy * SIZE;
            planes.put(row, blue).put(plane + row, blue).put(2 * plane + row, blue);
        }
        return r;
    }

    /** Source taps of each output position: cv2's centre alignment, clamped at the edges. */
    private static void taps(int src, int dst, int[] lo, int[] hi, float[] frac, IntUnaryOperator offset) {
        double scale = (double) src / dst;
        for (int o = 0; o < dst; o++) {
            double s = Math.max(0, (o + 0.5) * scale - 0.5);
            int i = (int) s;
            float f = (float) (s - i);
            if (i >= src - 1) {
                i = src - 1;
                f = 0;
            }
            lo[o] = offset.applyAsInt(i);
            hi[o] = offset.applyAsInt(Math.min(i + 1, src - 1));
            frac[o] = f;
        }
    }

    /** Bilinear mix of one 8-bit channel (at {@code shift}) of four packed RGB pixels. */
    private static float lerp(int q00, int q01, int q10, int q11, int shift, float wx, float wy) {
        int a = (q00 >> shift) & 0xff;
        int b = (q01 >> shift) & 0xff;
        int c = (q10 >> shift) & 0xff;
        int d = (q11 >> shift) & 0xff;
        float top = a + (b - a) * wx;
        float bottom = c + (d - c) * wx;
        return top + (bottom - top) * wy;
    }

    public List<Detection> detect(DecodedImage img) throws OrtException {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("the detector is shut down");
            }
            Buffers b = buffers.get();
            if (b == null) {
                b = new Buffers();
                buffers.set(b);
                allBuffers.add(b);
            }
            double ratio = letterbox(img, b.planes);
            SessionHandle session = registry.session(modelId);
            // The pinned output is filled in place; the Result holds nothing else to read.
            try (OrtSession.Result r = session.run(Map.of("images", b.input), Set.of(), Map.of("output", b.pinned))) {
                return decode(b.output, ratio, img.width(), img.height());
            }
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @PreDestroy
    void close() {
        lifecycle.writeLock().lock();
        try {
            closed = true;
            allBuffers.forEach(Buffers::close);
            allBuffers.clear();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    List<Detection> decode(FloatBuffer out, double ratio, int width, int height) {
        record Candidate(int cls, double score, double x1, double y1, double x2, double y2) {
        }
        List<Candidate> candidates = new ArrayList<>();
        int row = 0;
        for (int stride : STRIDES) {
            int cells = SIZE / stride;
            for (int gy = 0; gy < cells; gy++) {
                for (int gx = 0; gx < cells; gx++, row++) {
                    int o = row * ATTRS;
                    double obj = out.get(o + 4);
                    if (obj < scoreThreshold) {
                        continue;
                    }
                    int best = 0;
                    float bestScore = out.get(o + 5);
                    for (int c = 1; c < 80; c++) {
                        float v = out.get(o + 5 + c);
                        if (v > bestScore) {
                            best = c;
                            bestScore = v;
                        }
                    }
                    double score = obj * bestScore;
                    if (score < scoreThreshold) {
                        continue;
                    }
                    double cx = (out.get(o) + gx) * stride;
                    double cy = (out.get(o + 1) + gy) * stride;
                    double w = Math.exp(out.get(o + 2)) * stride;
                    double h = Math.exp(out.get(o + 3)) * stride;
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
