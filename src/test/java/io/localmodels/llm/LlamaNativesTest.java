package io.localmodels.llm;

import io.localmodels.testing.ChildJvm;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** lma.llm.library: a folder of the user's own library is taken only when it holds one, and loads without side effects. */
class LlamaNativesTest {

    @Test
    void aLibraryOfTheUsersOwnLoadsAndNoFileInTheTemporaryFolderIsDeleted(@TempDir Path tmp, @TempDir Path lib) throws Exception {
        String bundled = "de/kherud/llama/Linux/x86_64/libjllama.so";
        try (InputStream in = LlamaNativesTest.class.getClassLoader().getResourceAsStream(bundled)) {
            Assumptions.assumeTrue(in != null && System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64"),
                    "SKIPPED: needs the Linux x86-64 library of the java-llama.cpp jar to stand in for a user's own build");
            Files.copy(in, lib.resolve("libjllama.so"));
        }
        // java-llama.cpp deletes llama* and jllama* in its temporary folder before loading: a user's model
        // file in /tmp must survive a start with a library of their own
        Files.writeString(tmp.resolve("llama-3.2-1b.gguf"), "a user's model");
        Files.writeString(tmp.resolve("jllama-notes.txt"), "a user's notes");
        ChildJvm.Result r = ChildJvm.run(LibraryProbe.class, List.of(tmp.toString(), lib.toString()), "", 120);
        assertEquals(0, r.exitCode(), r.output());
        assertTrue(r.output().contains("LOADED " + lib.toAbsolutePath() + " true"), r.output());
        assertTrue(Files.exists(tmp.resolve("llama-3.2-1b.gguf")), "the user's model was deleted: " + r.output());
        assertTrue(Files.exists(tmp.resolve("jllama-notes.txt")), "the user's file was deleted: " + r.output());
    }

    @Test
    void aFolderWithoutTheLibraryIsRefusedWithTheFix(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("libllama.so"), "not the JNI library");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> LlamaNatives.libraryFolder(dir.toString()));
        assertTrue(e.getMessage().contains("lma.llm.library=" + dir) && e.getMessage().contains("holds no libjllama.so")
                && e.getMessage().contains("tools/build-jllama.sh"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> LlamaNatives.libraryFolder(dir.resolve("missing").toString()));
    }

    @Test
    void aFolderWithTheLibraryIsTakenAsAnAbsolutePath(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("libjllama.so"), "a library");
        Path relative = Path.of("").toAbsolutePath().relativize(dir);
        assertEquals(dir.toAbsolutePath(), LlamaNatives.libraryFolder(relative.toString()));
    }
}
