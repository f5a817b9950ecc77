package io.localmodels.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** espeak-ng's library, the built-in voice the speech tests need. */
public final class Espeak {

    private Espeak() {
    }

    /** Skips (with the reason printed) unless Debian's libespeak-ng is installed. */
    public static void requireLibrary() {
        boolean present = Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1"))
                || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libespeak-ng.so.1"));
        if (!present) {
            String reason = "SKIPPED: needs espeak-ng's library (apt-get install espeak-ng)";
            System.err.println(reason);
            Assumptions.abort(reason);
        }
    }
}
