package io.localmodels.llm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What lma.llm.model resolves to, before anything is fetched. */
class LlmLocatorTest {

    @TempDir
    Path tmp;

    private static LlmLocator locator(String model, String analysisServer) {
        TestLlm.Config c = new TestLlm.Config(model, 4096, 256, 2);
        return new LlmLocator(c, null, null, Optional.ofNullable(analysisServer));
    }

    @Test
    void autoOnACpuIsAQwenInstructRepositoryAtTheQuantisation() throws Exception {
        LlmLocator.Hub h = assertInstanceOf(LlmLocator.Hub.class, locator("auto", null).source());
        assertTrue(h.ref().repo().equals(LlmLocator.CPU_DEFAULT) || h.ref().repo().equals(LlmLocator.SMALL_CPU_DEFAULT), h.toString());
        assertEquals("Q4_K_M", h.quantization());
    }

    @Test
    void autoFetchesNothingWhenAnAnalysisServerIsConfigured() throws Exception {
        LlmLocator.None none = assertInstanceOf(LlmLocator.None.class, locator("auto", "http://ollama:11434/v1").source());
        assertTrue(none.why().contains("lma.analysis.base-url"), none.why());
        // a named model is loaded all the same (for /v1/chat/completions)
        assertInstanceOf(LlmLocator.Hub.class, locator("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "http://ollama:11434/v1").source());
    }

    @Test
    void aFolderGivesItsFileOfTheQuantisation() throws Exception {
        Files.write(tmp.resolve("model-Q8_0.gguf"), new byte[4]);
        Files.write(tmp.resolve("model-Q4_K_M.gguf"), new byte[4]);
        LlmLocator.LocalFile f = assertInstanceOf(LlmLocator.LocalFile.class, locator(tmp.toString(), null).source());
        assertEquals("model-Q4_K_M.gguf", f.file().getFileName().toString());
        assertInstanceOf(LlmLocator.None.class, locator("none", null).source());
    }
}
