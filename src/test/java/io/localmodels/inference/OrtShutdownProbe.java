package io.localmodels.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Child-JVM entry point: runs a one-input model (zeros of the given shape) in a loop on two threads and, while they run, either exits the
 * JVM ({@code exit}: every shutdown hook runs, ONNX Runtime's among them) or closes the session under them
 * ({@code close}). {@code pin} first holds the environment as the service does. Prints "CLEAN" when the
 * process got through it; a crash ends it before.
 */
public final class OrtShutdownProbe {

    public static void main(String[] args) throws Exception {
        String model = args[0];
        String inputName = args[1];
        long[] shape = java.util.Arrays.stream(args[2].split(",")).mapToLong(Long::parseLong).toArray();
        String what = args[3];
        if (args.length > 4 && args[4].equals("pin")) {
            OnnxRuntime.pinEnvironment();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        SessionHandle handle = new SessionHandle("probe", java.nio.file.Path.of(model), ExecutionProvider.CPU,
                env.createSession(model, options), options);
        CountDownLatch running = new CountDownLatch(2);
        for (int t = 0; t < 2; t++) {
            Thread th = new Thread(() -> {
                int size = (int) java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b);
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
        if (what.equals("close")) {
            System.out.println("FREED " + handle.close(java.time.Duration.ofMillis(50), java.time.Duration.ofSeconds(10)));
            Thread.sleep(300);
            System.out.println("CLEAN");
            System.exit(0);
        }
        System.out.println("EXITING");
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Thread.sleep(300); // the inference threads go on while the other hooks run
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
            System.out.println("CLEAN");
        }));
        System.exit(0);
    }
}
