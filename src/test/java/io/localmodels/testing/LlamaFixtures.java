package io.localmodels.testing;


import org.opentest4j.TestAbortedException;

import java.nio.file.Path;

/**
 * The tiny random-weight GGUF models made by {@code src/test/python/make_gguf_fixture.py} (NumPy
 * only), generated once per script version under {@code target/gguf-fixtures}: {@code
 * tiny-llama.gguf}, {@code tiny-unsupported-arch.gguf}, {@code not-a-gguf.gguf} and {@code
 * tiny-split/}. Without Python and NumPy the tests that need them skip and say why.
 */
public final class LlamaFixtures {

    private static final Path SCRIPT = Path.of("src/test/python/make_gguf_fixture.py");
    private static Path ready;

    private LlamaFixtures() {
    }

    public static synchronized Path dir() {
        if (ready != null) {
            return ready;
        }
        return ready = Python.generateOnce(SCRIPT, Path.of("target/gguf-fixtures").toAbsolutePath(), "import numpy",
                "Python with NumPy (apt-get install python3-numpy, or set LMA_PYTHON) for the GGUF fixtures", "GGUF fixtures", 5);
    }

    public static Path model() {
        return dir().resolve("tiny-llama.gguf");
    }

    /** The fixture path, or null when it cannot be made (for test profiles, which cannot skip). */
    public static Path modelOrNull() {
        try {
            return model();
        } catch (TestAbortedException e) {
            return null;
        }
    }
}
