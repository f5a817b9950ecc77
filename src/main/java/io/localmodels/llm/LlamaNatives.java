package io.localmodels.llm;

import org.eclipse.microprofile.config.ConfigProvider;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where java-llama.cpp extracts its native library: a folder of this class loader's own. The JVM lets
 * one class loader load a native library file, and java-llama.cpp always extracts to the same name in
 * {@code java.io.tmpdir}: a second class loader of the same process (Quarkus dev mode's live reload,
 * a test run's application restarts) would then find no usable library. A user's own
 * {@code de.kherud.llama.tmpdir} or {@code de.kherud.llama.lib.path} is left as it is.
 *
 * <p>{@code lma.llm.library} names a folder with a library of the user's own (tools/build-jllama.sh:
 * built for this CPU, or with CUDA); it becomes {@code de.kherud.llama.lib.path}, which java-llama.cpp
 * reads when it first loads, so it has to be set before any of its classes is used.
 */
final class LlamaNatives {

    private static final String TMPDIR = "de.kherud.llama.tmpdir";
    private static final String LIB_PATH = "de.kherud.llama.lib.path";
    private static final String LIBRARY_KNOB = "lma.llm.library";
    private static boolean prepared;

    private LlamaNatives() {
    }

    /** A native library of the user's own is configured (a CUDA build, say). */
    static boolean userLibrary() {
        return System.getProperty(LIB_PATH) != null || configuredLibrary().isPresent();
    }

    /** Where the native library comes from, for the log. */
    static String describe() {
        String dir = System.getProperty(LIB_PATH);
        return dir == null ? "the portable library bundled with java-llama.cpp" : "the library in " + dir;
    }

    private static Optional<String> configuredLibrary() {
        return ConfigProvider.getConfig().getOptionalValue(LIBRARY_KNOB, String.class).filter(s -> !s.isBlank());
    }

    /**
     * The folder {@code lma.llm.library} names, absolute.
     *
     * @throws IllegalStateException when it holds no libjllama for this platform
     */
    static Path libraryFolder(String configured) {
        Path dir = Path.of(configured).toAbsolutePath().normalize();
        String name = System.mapLibraryName("jllama");
        if (!Files.isRegularFile(dir.resolve(name))) {
            throw new IllegalStateException(LIBRARY_KNOB + "=" + configured + " holds no " + name
                    + " (tools/build-jllama.sh builds one; README, LLM)");
        }
        return dir;
    }

    /**
     * Call before the first use of any java-llama.cpp class in this class loader.
     *
     * @throws IllegalStateException when {@code lma.llm.library} names a folder without the library
     */
    static synchronized void prepare() {
        if (prepared) {
            return;
        }
        Optional<String> library = configuredLibrary();
        if (library.isPresent() && System.getProperty(LIB_PATH) == null) {
            System.setProperty(LIB_PATH, libraryFolder(library.get()).toString());
        }
        // also with a library of the user's own: java-llama.cpp first deletes every file named
        // llama* or jllama* in its temporary folder, which would otherwise be java.io.tmpdir (/tmp)
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
