package io.localmodels.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.localmodels.inference.ModelRegistry;
import io.localmodels.testing.SharedFiles;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;

import static io.restassured.RestAssured.given;

/**
 * Not part of the test suite (see docs/benchmarks.md): per-frame latency of /vision/frame (the
 * service's own timings.total_ms, sequential requests, no queueing) against the raw ONNX Runtime
 * run time of the detector on the same image.
 */
@QuarkusTest
class VisionBenchmark {

    @Inject
    ModelRegistry registry;

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

        OrtSession session = registry.session("yolox-nano");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        FloatBuffer planes = ByteBuffer.allocateDirect(3 * 416 * 416 * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < 3 * 416 * 416; i++) {
            planes.put(i, 114f);
        }
        double[] raw = new double[n];
        for (int i = -10; i < n; i++) {
            long t0 = System.nanoTime();
            try (OnnxTensor t = OnnxTensor.createTensor(env, planes, new long[] {1, 3, 416, 416});
                 OrtSession.Result r = session.run(Map.of("images", t))) {
                r.get(0);
            }
            if (i >= 0) {
                raw[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        double[] service = new double[n];
        double[] inference = new double[n];
        double[] client = new double[n];
        for (int i = -10; i < n; i++) {
            long t0 = System.nanoTime();
            var json = given().multiPart("file", "dog.jpg", dog, "image/jpeg").post("/vision/frame").then()
                    .statusCode(200).extract().jsonPath();
            if (i >= 0) {
                client[i] = (System.nanoTime() - t0) / 1e6;
                service[i] = json.getDouble("timings.total_ms");
                inference[i] = json.getDouble("timings.inference_ms");
            }
        }
        System.out.printf("BENCH vision frames=%d raw_ort_ms=%.2f service_total_ms=%.2f service_worker_ms=%.2f"
                        + " http_client_ms=%.2f overhead_total=%.3f overhead_worker=%.3f%n",
                n, median(raw), median(service), median(inference), median(client),
                median(service) / median(raw), median(inference) / median(raw));
    }
}
