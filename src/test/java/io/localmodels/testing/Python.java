package io.localmodels.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The Python that runs the fixture generators: LMA_PYTHON, else Debian's /usr/bin/python3, else python3 on the PATH. */
public final class Python {

    private Python() {
    }

    /** The first candidate that runs {@code check} (e.g. {@code import numpy}); null when none does. */
    public static String find(String check) throws InterruptedException {
        String env = System.getenv("LMA_PYTHON");
        for (String candidate : env != null && !env.isBlank() ? List.of(env) : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", check).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(2, TimeUnit.MINUTES) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // not there; try the next
            }
        }
        return null;
    }

    /**
     * Runs a fixture generator once per version of it: {@code out/.complete} holds the SHA-256 of the
     * script that filled {@code out}, and a folder made by another version is made again. Without a
     * Python that runs {@code check}, the calling test is skipped with "SKIPPED: needs {@code needs}"
     * printed; a failing generator fails it with the generator's log. Answers {@code out}.
     */
    public static Path generateOnce(Path script, Path out, String check, String needs, String what, int timeoutMinutes,
                                    String... args) {
        try {
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(script)));
            Path stamp = out.resolve(".complete");
            if (Files.isRegularFile(stamp) && Files.readString(stamp).strip().equals(digest)) {
                return out;
            }
            String python = find(check);
            if (python == null) {
                String reason = "SKIPPED: needs " + needs;
                System.err.println(reason);
                Assumptions.abort(reason);
            }
            Path log = Files.createDirectories(Path.of("target")).resolve(out.getFileName() + ".log");
            List<String> command = new ArrayList<>(List.of(python, script.toString(), out.toString()));
            command.addAll(List.of(args));
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(what + " generator failed; see " + log + ":\n" + Files.readString(log));
            }
            Files.writeString(stamp, digest);
            System.err.printf("generated %s in %.1f s (%s)%n", what, (System.nanoTime() - t0) / 1e9, out);
            return out;
        } catch (IOException | InterruptedException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
