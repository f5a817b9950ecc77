package io.localmodels.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the test classpath in a JVM of its own: for code that may kill its process (a
 * C++ exception in a native library), so that the test suite outlives a regression and reports it.
 */
public final class ChildJvm {

    /** How the child ended: its exit code (-1: killed at the timeout) and everything it printed. */
    public record Result(int exitCode, boolean timedOut, String output) {
        public boolean crashed() {
            return timedOut || exitCode != 0;
        }
    }

    private ChildJvm() {
    }

    public static Result run(Class<?> main, List<String> args, String stdin, long timeoutSeconds) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:ErrorFile=target/child-jvm/hs_err_%p.log"); // a crash report goes to target/, not the working tree
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(args);
        Path out = Files.createTempFile("child-jvm", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException closedEarly) {
                // the child died before reading all of it: its exit code says so
            }
            boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            return new Result(done ? p.exitValue() : -1, !done, Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
