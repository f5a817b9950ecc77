package io.localmodels.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a Node.js script of {@code src/test/js} (real npm clients, installed by {@code npm ci --prefix src/test/js}). */
public final class NodeScripts {

    private static final Path DIR = Path.of("src/test/js");

    private NodeScripts() {
    }

    /** Skips (with the reason printed) unless Node.js runs and the npm module is installed. */
    public static void requireModule(String module) {
        skipUnless(Files.isDirectory(DIR.resolve("node_modules").resolve(module)), "the npm module " + module
                + " (npm ci --prefix src/test/js)");
        boolean node;
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            node = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            node = false;
        }
        skipUnless(node, "Node.js on the PATH");
    }

    /** The script's standard output; throws with its whole output when it fails. */
    public static String run(String script, List<String> args, Duration timeout) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("node", DIR.resolve(script).toString()));
        command.addAll(args);
        Path err = Files.createTempFile("node-", ".log");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(script + " did not finish in " + timeout + ":\n" + Files.readString(err));
        }
        String stderr = Files.readString(err);
        Files.deleteIfExists(err);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(script + " failed (exit " + p.exitValue() + "):\n" + new String(out) + "\n" + stderr);
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    private static void skipUnless(boolean ok, String what) {
        if (!ok) {
            String reason = "SKIPPED: needs " + what;
            System.err.println(reason);
            Assumptions.abort(reason);
        }
    }
}
