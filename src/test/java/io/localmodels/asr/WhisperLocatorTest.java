package io.localmodels.asr;

import io.localmodels.models.ModelCatalog;
import io.localmodels.models.ModelsConfig;
import io.localmodels.models.hub.HubClient;
import io.localmodels.models.hub.HubFetcher;
import io.localmodels.models.hub.HubRef;
import io.localmodels.models.hub.HubSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What each form of lma.asr.model means, and which wins when two could. */
class WhisperLocatorTest {

    @TempDir
    Path tmp;

    @SuppressWarnings("unchecked")
    private static <T> T config(Class<T> type, Map<String, Object> values) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
            if (!values.containsKey(method.getName())) {
                throw new UnsupportedOperationException(method.getName());
            }
            return values.get(method.getName());
        });
    }

    private WhisperLocator.Source source(String model, Path cache, Path mirror) throws IOException {
        AsrConfig asr = config(AsrConfig.class, Map.of("model", model, "precision", "fp32"));
        ModelsConfig models = config(ModelsConfig.class, Map.of("cacheDir", cache, "mirrors", Optional.of(List.of(mirror))));
        HubSettings s = new HubSettings(URI.create("http://127.0.0.1:9"), tmp.resolve("hf"), Optional.empty(), true);
        HubFetcher hub = new HubFetcher(s, new HubClient(s, Duration.ofSeconds(1), Duration.ofSeconds(1)), 0, Duration.ZERO, Duration.ofSeconds(2), null);
        return new WhisperLocator(asr, models, ModelCatalog.fromClasspath(), hub, null).source();
    }

    @Test
    void eachFormOfTheSetting() throws Exception {
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        assertInstanceOf(WhisperLocator.None.class, source("none", cache, mirror));
        WhisperLocator.Hub small = assertInstanceOf(WhisperLocator.Hub.class, source("whisper-small.en", cache, mirror));
        assertEquals(new HubRef("onnx-community/whisper-small.en", "main"), small.ref());
        assertEquals("whisper-small.en", small.catalogId());
        WhisperLocator.Hub repo = assertInstanceOf(WhisperLocator.Hub.class, source("someone/whisper-es@v2", cache, mirror));
        assertEquals(new HubRef("someone/whisper-es", "v2"), repo.ref());
        assertEquals(null, repo.catalogId());
        assertEquals("whisper-base", ((WhisperLocator.Hub) source("onnx-community/whisper-base", cache, mirror)).catalogId());
        Path folder = Files.createDirectories(tmp.resolve("exports/mine"));
        assertEquals(folder, assertInstanceOf(WhisperLocator.Folder.class, source(folder.toString(), cache, mirror)).dir());
        IOException e = assertThrows(IOException.class, () -> source("no-such-thing", cache, mirror));
        assertTrue(e.getMessage().contains("whisper-small") && e.getMessage().contains("org/name"), e.getMessage());
    }

    @Test
    void aFolderInTheCacheOrAMirrorWinsOverTheCatalogIdOfTheSameName() throws Exception {
        Path cache = Files.createDirectories(tmp.resolve("cache"));
        Path mirror = Files.createDirectories(tmp.resolve("mirror"));
        Path inMirror = Files.createDirectories(mirror.resolve("whisper-base"));
        assertEquals(inMirror, assertInstanceOf(WhisperLocator.Folder.class, source("whisper-base", cache, mirror)).dir());
        Path inCache = Files.createDirectories(cache.resolve("whisper-base"));
        assertEquals(inCache, assertInstanceOf(WhisperLocator.Folder.class, source("whisper-base", cache, mirror)).dir());
    }
}
