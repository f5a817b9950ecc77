package io.localmodels.vision;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.awt.image.BufferedImage;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Test reference: YOLOX-nano through a plain ONNX Runtime call with its own letterbox (hand-written
 * bilinear resize, not Java2D) and its own port of YOLOX's post-processing. Boxes as
 * [class, score, x, y, w, h] normalised to the image.
 * The post-processing is YOLOX's {@code postprocess} (yolox/utils/boxes.py) as its COCO evaluation
 * runs it: each grid cell keeps its best class, scored objectness × class probability, then NMS per class.
 */
final class OfflineYolox {

    private OfflineYolox() {
    }

    /** The demo's letterbox: BGR planes [3, 416, 416], pad 114. */
    static float[] letterbox(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        double r = Math.min(416.0 / h, 416.0 / w);
        int nw = (int) (w * r);
        int nh = (int) (h * r);
        float[] x = new float[3 * 416 * 416];
        Arrays.fill(x, 114f);
        for (int yy = 0; yy < nh; yy++) {
            for (int xx = 0; xx < nw; xx++) {
                // bilinear sample with pixel-centre alignment, as cv2.resize INTER_LINEAR does
                double sx = Math.max(0, (xx + 0.5) / r - 0.5);
                double sy = Math.max(0, (yy + 0.5) / r - 0.5);
                int x0 = Math.min((int) sx, w - 1);
                int y0 = Math.min((int) sy, h - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                int y1 = Math.min(y0 + 1, h - 1);
                double fx = sx - x0;
                double fy = sy - y0;
                for (int c = 0; c < 3; c++) {
                    int shift = c == 0 ? 0 : c == 1 ? 8 : 16; // B, G, R planes
                    double v = (1 - fy) * ((1 - fx) * ch(img, x0, y0, shift) + fx * ch(img, x1, y0, shift))
                            + fy * ((1 - fx) * ch(img, x0, y1, shift) + fx * ch(img, x1, y1, shift));
                    x[c * 416 * 416 + yy * 416 + xx] = (float) v;
                }
            }
        }
        return x;
    }

    static List<double[]> detect(Path model, Path image) throws Exception {
        BufferedImage img = ImageIO.read(image.toFile());
        float[] x = letterbox(img);
        int w = img.getWidth();
        int h = img.getHeight();
        double r = Math.min(416.0 / h, 416.0 / w);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] out;
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(model.toString(), o);
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 3, 416, 416});
             OrtSession.Result res = s.run(Map.of("images", t))) {
            float[][] rows = ((float[][][]) res.get(0).getValue())[0];
            out = new float[rows.length * 85];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(rows[i], 0, out, i * 85, 85);
            }
        }
        List<double[]> cands = new ArrayList<>();
        int idx = 0;
        for (int stride : new int[] {8, 16, 32}) {
            int n = 416 / stride;
            for (int gy = 0; gy < n; gy++) {
                for (int gx = 0; gx < n; gx++, idx++) {
                    int o = idx * 85;
                    int best = 0;
                    for (int c = 1; c < 80; c++) {
                        best = out[o + 5 + c] > out[o + 5 + best] ? c : best;
                    }
                    double score = out[o + 4] * out[o + 5 + best];
                    if (score >= 0.3) {
                        double cx = (out[o] + gx) * stride / r;
                        double cy = (out[o + 1] + gy) * stride / r;
                        double bw = Math.exp(out[o + 2]) * stride / r;
                        double bh = Math.exp(out[o + 3]) * stride / r;
                        cands.add(new double[] {best, score, cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2});
                    }
                }
            }
        }
        cands.sort((a, b) -> Double.compare(b[1], a[1]));
        List<double[]> keep = new ArrayList<>();
        outer:
        for (double[] c : cands) {
            for (double[] k : keep) {
                if (k[0] == c[0]) {
                    double iw = Math.max(0, Math.min(k[4], c[4]) - Math.max(k[2], c[2]));
                    double ih = Math.max(0, Math.min(k[5], c[5]) - Math.max(k[3], c[3]));
                    double inter = iw * ih;
                    double uni = (k[4] - k[2]) * (k[5] - k[3]) + (c[4] - c[2]) * (c[5] - c[3]) - inter;
                    if (inter / uni > 0.45) {
                        continue outer;
                    }
                }
            }
            keep.add(c);
        }
        List<double[]> result = new ArrayList<>();
        for (double[] k : keep) {
            double x1 = Math.max(0, k[2] / w);
            double y1 = Math.max(0, k[3] / h);
            double x2 = Math.min(1, k[4] / w);
            double y2 = Math.min(1, k[5] / h);
            result.add(new double[] {k[0], k[1], x1, y1, x2 - x1, y2 - y1});
        }
        return result;
    }

    private static double ch(BufferedImage img, int x, int y, int shift) {
        return (img.getRGB(x, y) >> shift) & 0xff;
    }
}
