package io.localmodels.testing;

import java.io.IOException;
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
}
