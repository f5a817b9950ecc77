package io.localmodels.llm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where java-llama.cpp extracts its native library: a folder of this class loader's own. The JVM lets
 * one class loader load a native library file, and java-llama.cpp always extracts to the same name in
 * {@code java.io.tmpdir}: a second class loader of the same process (Quarkus dev mode's live reload,
 * a test run's application restarts) would then find no usable library. A user's own
 * {@code de.kherud.llama.tmpdir} or {@code de.kherud.llama.lib.path} is left as it is.
 */
final class LlamaNatives {

    private static final String TMPDIR = "de.kherud.llama.tmpdir";
    private static boolean prepared;

    private LlamaNatives() {
    }

    /** A native library of the user's own is configured (a CUDA build, say): {@code de.kherud.llama.lib.path}. */
    static boolean userLibrary() {
        return System.getProperty("de.kherud.llama.lib.path") != null;
    }

    /** Call before the first use of any java-llama.cpp class in this class loader. */
    static synchronized void prepare() {
        if (prepared || System.getProperty("de.kherud.llama.lib.path") != null) {
            prepared = true;
            return;
        }
        if (System.getProperty(TMPDIR) == null || System.getProperty(TMPDIR).contains("lma-llama-")) {
            try {
                Path dir = Files.createTempDirectory("lma-llama-");
                dir.toFile().deleteOnExit();
                dir.resolve(System.mapLibraryName("jllama")).toFile().deleteOnExit();
                System.setProperty(TMPDIR, dir.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make a folder for llama.cpp's native library", e);
            }
        }
        prepared = true;
    }
}
