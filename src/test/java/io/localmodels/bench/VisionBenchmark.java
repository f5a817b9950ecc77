package io.localmodels.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.localmodels.inference.ModelRegistry;
import io.localmodels.testing.SharedFiles;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;


/**
 * Not part of the test suite (see docs/benchmarks.md): per-frame latency of /vision/frame (the
 * service's own timings.total_ms, sequential requests, no queueing) against the raw ONNX Runtime
 * run time of the detector on the same image, and against a plain Java pipeline (ImageIO decode,
 * Java2D letterbox, ORT) on the same session.
 */
@QuarkusTest
class VisionBenchmark {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Inject
    ModelRegistry registry;

    @Inject
    MeterRegistry meters;

    @TestHTTPResource("/vision/frame")
    URL frameUrl;

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    @Test
    void perFrameOverhead() throws Exception {
        registry.load("yolox-nano");
        byte[] dog = Files.readAllBytes(SharedFiles.require("images/dog.jpg"));
        int n = Integer.getInteger("bench.frames", 60);
        OrtSession session = registry.session("yolox-nano").session(); // the raw session: the baseline without the service
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        FloatBuffer planes = ByteBuffer.allocateDirect(3 * 416 * 416 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < 3 * 416 * 416; i++) {
            planes.put(i, 114f);
        }
        // A light client (the JDK's), so the measuring JVM adds little CPU and garbage of its own.
        String boundary = "lma-bench-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dog.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        body.write(dog);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(frameUrl.toURI())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();

        // The three are interleaved frame by frame so that they share the machine's noise.
        double[] raw = new double[n];
        double[] peer = new double[n];
        double[] service = new double[n];
        double[] worker = new double[n];
        double[] client = new double[n];
        for (int i = -10; i < n; i++) {
            long t0 = System.nanoTime();
            try (OnnxTensor t = OnnxTensor.createTensor(env, planes, new long[] {1, 3, 416, 416});
                 OrtSession.Result r = session.run(Map.of("images", t))) {
                r.get(0);
            }
            long t1 = System.nanoTime();
            plainPipeline(dog, session, env);
            long t2 = System.nanoTime();
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            long t3 = System.nanoTime();
            if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
            }
            JsonNode timings = MAPPER.readTree(response.body()).path("timings");
            if (i >= 0) {
                raw[i] = (t1 - t0) / 1e6;
                peer[i] = (t2 - t1) / 1e6;
                client[i] = (t3 - t2) / 1e6;
                service[i] = timings.path("total_ms").asDouble();
                worker[i] = timings.path("inference_ms").asDouble();
            }
        }
        System.out.printf("BENCH vision frames=%d raw_ort_ms=%.2f plain_pipeline_ms=%.2f service_worker_ms=%.2f"
                        + " service_total_ms=%.2f http_client_ms=%.2f | vs raw: worker %.3f total %.3f"
                        + " | vs plain pipeline: worker %.3f total %.3f%n",
                n, median(raw), median(peer), median(worker), median(service), median(client),
                median(worker) / median(raw), median(service) / median(raw),
                median(worker) / median(peer), median(service) / median(peer));
        // The worker's own stage timers (means over every frame, warm-up included).
        for (String stage : new String[] {"decode", "detect"}) {
            Timer t = meters.find("lma.vision.seconds").tag("stage", stage).timer();
            System.out.printf("BENCH vision stage=%s mean_ms=%.2f count=%d%n", stage,
                    t == null ? Double.NaN : t.mean(TimeUnit.MILLISECONDS), t == null ? 0 : t.count());
        }
    }

    /**
     * The peer: what a straightforward Java program does with the same photo on the same session —
     * ImageIO decode, Java2D bilinear letterbox, a fresh tensor, the run, the output copied out.
     */
    private static void plainPipeline(byte[] jpeg, OrtSession session, OrtEnvironment env) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpeg));
        double r = Math.min(416.0 / img.getHeight(), 416.0 / img.getWidth());
        BufferedImage canvas = new BufferedImage(416, 416, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.setColor(new Color(114, 114, 114));
        g.fillRect(0, 0, 416, 416);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, (int) (img.getWidth() * r), (int) (img.getHeight() * r), null);
        g.dispose();
        int[] rgb = canvas.getRGB(0, 0, 416, 416, null, 0, 416);
        int plane = 416 * 416;
        float[] x = new float[3 * plane];
        for (int p = 0; p < plane; p++) {
            x[p] = rgb[p] & 0xff;
            x[plane + p] = (rgb[p] >> 8) & 0xff;
            x[2 * plane + p] = (rgb[p] >> 16) & 0xff;
        }
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 3, 416, 416});
             OrtSession.Result res = session.run(Map.of("images", t))) {
            FloatBuffer out = ((OnnxTensor) res.get(0)).getFloatBuffer();
            if (out.remaining() != 3549 * 85) {
                throw new IllegalStateException("unexpected output shape");
            }
        }
    }
}
