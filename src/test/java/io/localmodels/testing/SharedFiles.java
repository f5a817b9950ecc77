package io.localmodels.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The read-only material beside the checkout ({@code ../shared}, or {@code LMA_SHARED_DIR}).
 * Tests that need a file from there skip with a printed reason when it is missing.
 */
public final class SharedFiles {

    private SharedFiles() {
    }

    public static Path root() {
        String env = System.getenv("LMA_SHARED_DIR");
        return (env != null && !env.isBlank() ? Path.of(env) : Path.of("..", "shared")).toAbsolutePath().normalize();
    }

    public static Path path(String relative) {
        return root().resolve(relative);
    }

    /** The file, or the test is skipped (and says why on stderr). */
    public static Path require(String relative) {
        Path p = path(relative);
        if (!Files.isRegularFile(p)) {
            String reason = "SKIPPED: needs " + p + " (shared test material not present; set LMA_SHARED_DIR to its folder)";
            System.err.println(reason);
            Assumptions.abort(reason);
        }
        return p;
    }

    public static boolean present(String relative) {
        return Files.isRegularFile(path(relative));
    }
}
