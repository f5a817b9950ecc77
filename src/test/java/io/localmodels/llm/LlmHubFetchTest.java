package io.localmodels.llm;

import io.localmodels.models.hub.HubClient;
import io.localmodels.models.hub.HubFetcher;
import io.localmodels.models.hub.HubSettings;
import io.localmodels.testing.FakeHub;
import io.localmodels.testing.LlamaFixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * lma.llm.model as a Hugging Face repository, on a loopback server that behaves like the Hub: the
 * fixture GGUF laid out as Qwen's own 7B repository (Q4_K_M split in two, other quantisations
 * beside it) is fetched part by part, only the chosen quantisation, and opened by llama.cpp.
 */
class LlmHubFetchTest {

    @TempDir
    Path tmp;

    private FakeHub hub;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Path split = LlamaFixtures.dir().resolve("tiny-split");
        Files.copy(split.resolve("tiny-llama-00001-of-00002.gguf"), repo.resolve("qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf"));
        Files.copy(split.resolve("tiny-llama-00002-of-00002.gguf"), repo.resolve("qwen2.5-7b-instruct-q4_k_m-00002-of-00002.gguf"));
        hub.serve(LlmLocator.GPU_DEFAULT, repo, Map.of("qwen2.5-7b-instruct-q8_0.gguf", new byte[200_000], "README.md", "# Qwen".getBytes()));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    @Test
    void aRepositoryIsFetchedByQuantisationPartByPartAndOpened() {
        HubSettings s = new HubSettings(hub.endpoint(), tmp.resolve("hf"), Optional.empty(), false);
        HubFetcher fetcher = new HubFetcher(s, new HubClient(s, Duration.ofSeconds(2), Duration.ofSeconds(5)), 1, Duration.ofMillis(10),
                Duration.ofSeconds(2), null);
        TestLlm.Config c = new TestLlm.Config(LlmLocator.GPU_DEFAULT, 4096, 256, 2);
        LlmService llm = new LlmService(c, new LlmLocator(c, fetcher, null), null, new SimpleMeterRegistry());
        try {
            llm.load();
            assertEquals(LlmService.State.READY, llm.state(), llm::reason);
            assertEquals("Qwen/Qwen2.5-7B-Instruct-GGUF:Q4_K_M", llm.modelName());
            var paths = hub.requests().stream().map(FakeHub.Request::path).toList();
            assertTrue(paths.stream().anyMatch(p -> p.endsWith("q4_k_m-00001-of-00002.gguf")), paths.toString());
            assertTrue(paths.stream().anyMatch(p -> p.endsWith("q4_k_m-00002-of-00002.gguf")), paths.toString());
            assertFalse(paths.stream().anyMatch(p -> p.contains("q8_0") || p.contains("README")), "only the chosen files: " + paths);
            Path snapshot = tmp.resolve("hf/models--Qwen--Qwen2.5-7B-Instruct-GGUF/snapshots");
            assertTrue(Files.isDirectory(snapshot), "the Hugging Face cache layout");
        } finally {
            llm.close();
        }
    }

    @Test
    void aMissingQuantisationFailsNamingWhatThereIs() {
        HubSettings s = new HubSettings(hub.endpoint(), tmp.resolve("hf"), Optional.empty(), false);
        HubFetcher fetcher = new HubFetcher(s, new HubClient(s, Duration.ofSeconds(2), Duration.ofSeconds(5)), 1, Duration.ofMillis(10),
                Duration.ofSeconds(2), null);
        TestLlm.Config c = new TestLlm.Config(LlmLocator.GPU_DEFAULT + ":Q6_K", 4096, 256, 2);
        LlmService llm = new LlmService(c, new LlmLocator(c, fetcher, null), null, new SimpleMeterRegistry());
        try {
            llm.load();
            assertEquals(LlmService.State.FAILED, llm.state());
            assertTrue(llm.reason().contains("no Q6_K GGUF") && llm.reason().contains("Q4_K_M") && llm.reason().contains("Q8_0"), llm.reason());
            assertTrue(llm.hint().contains("lma.llm.quantization"), llm.hint());
        } finally {
            llm.close();
        }
    }
}
