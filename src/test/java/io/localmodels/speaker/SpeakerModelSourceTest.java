package io.localmodels.speaker;

import io.localmodels.models.hub.DownloadProgress;
import io.localmodels.models.hub.HubClient;
import io.localmodels.models.hub.HubException;
import io.localmodels.models.hub.HubFetcher;
import io.localmodels.models.hub.HubSettings;
import io.localmodels.testing.FakeHub;
import io.localmodels.testing.SpeakerFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * lma.speakers.model: builtin, a file, or a file of a Hugging Face repository, fetched from a loopback
 * server that behaves like the Hub (only that file, into the Hugging Face cache layout).
 */
class SpeakerModelSourceTest {

    @TempDir
    Path tmp;

    @Test
    void theFormsAUserCanWrite() throws Exception {
        assertInstanceOf(SpeakerModelSource.Builtin.class, SpeakerModelSource.parse("builtin"));
        Path file = Files.writeString(tmp.resolve("cam.onnx"), "x");
        assertEquals(new SpeakerModelSource.LocalFile(file), SpeakerModelSource.parse(file.toString()));
        SpeakerModelSource.Hub h = (SpeakerModelSource.Hub) SpeakerModelSource.parse("csukuangfj/speaker-embedding-models@v1/cam.onnx");
        assertEquals("csukuangfj/speaker-embedding-models", h.ref().repo());
        assertEquals("v1", h.ref().revision());
        assertEquals("cam.onnx", h.file());
        IOException e = assertThrows(IOException.class, () -> SpeakerModelSource.parse("/no/such/model.onnx"));
        assertTrue(e.getMessage().contains("org/name[@revision]/file.onnx"), e.getMessage());
    }

    @Test
    void aHubFileIsFetchedAloneAndAMissingOneIsNamed() throws Exception {
        byte[] model = Files.readAllBytes(SpeakerFixtures.dir().resolve("3dspeaker.onnx"));
        Path repo = Files.createDirectories(tmp.resolve("repo"));
        Files.write(repo.resolve("cam.onnx"), model);
        try (FakeHub hub = new FakeHub()) {
            hub.serve("org/speakers", repo, Map.of("other.onnx", new byte[100_000]));
            HubSettings s = new HubSettings(hub.endpoint(), tmp.resolve("hf"), Optional.empty(), false);
            HubFetcher fetcher = new HubFetcher(s, new HubClient(s, Duration.ofSeconds(2), Duration.ofSeconds(5)), 1, Duration.ofMillis(10),
                    Duration.ofSeconds(2), null);
            Path got = SpeakerModelSource.locate(SpeakerModelSource.parse("org/speakers/cam.onnx"), fetcher, new DownloadProgress());
            assertArrayEquals(model, Files.readAllBytes(got));
            assertTrue(got.toString().contains("models--org--speakers"), got.toString());
            assertFalse(hub.requests().stream().anyMatch(r -> r.path().contains("other.onnx")), "only the named file");
            HubException missing = assertThrows(HubException.class, () -> SpeakerModelSource.locate(
                    SpeakerModelSource.parse("org/speakers/titanet.onnx"), fetcher, new DownloadProgress()));
            assertTrue(missing.getMessage().contains("has no titanet.onnx"), missing.getMessage());
        }
    }
}
