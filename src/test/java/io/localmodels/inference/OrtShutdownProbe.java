package io.localmodels.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Child-JVM entry point: runs a one-input model (zeros of the given shape) in a loop on two threads and closes
 * its session under them. Prints "FREED true|false", then "CLEAN" when the process got through it; a crash ends
 * it before. Arguments: model file, input name, shape as comma-separated dimensions.
 */
public final class OrtShutdownProbe {

    public static void main(String[] args) throws Exception {
        String model = args[0];
        String inputName = args[1];
        long[] shape = Arrays.stream(args[2].split(",")).mapToLong(Long::parseLong).toArray();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        SessionHandle handle = new SessionHandle("probe", Path.of(model), ExecutionProvider.CPU, env.createSession(model, options), options);
        CountDownLatch running = new CountDownLatch(2);
        for (int t = 0; t < 2; t++) {
            Thread th = new Thread(() -> {
                int size = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[size]), shape)) {
                    running.countDown();
                    while (true) {
                        handle.run(Map.of(inputName, input)).close();
                    }
                } catch (ModelClosedException e) {
                    System.out.println("REFUSED after close: " + e.getMessage());
                } catch (Exception e) {
                    System.out.println("RUN ENDED: " + e);
                }
            }, "inference-" + t);
            th.setDaemon(true);
            th.start();
        }
        running.await();
        Thread.sleep(200);
        System.out.println("FREED " + handle.close(Duration.ofMillis(50), Duration.ofSeconds(10)));
        Thread.sleep(300);
        System.out.println("CLEAN");
        System.exit(0);
    }
}
