package io.localmodels.models.hub;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The environment rules of huggingface_hub's constants.py, and the repo-id forms a model option accepts. */
class HubSettingsTest {

    private record Config(Optional<String> endpoint, Optional<Path> cacheDir, Optional<String> token, Optional<Boolean> offline)
            implements HubConfig {
        static Config none() {
            return new Config(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }

    }

    @Test
    void theCacheIsHfHubCacheElseHfHomeHubElseTheUsersCache(@TempDir Path tmp) {
        String home = System.getProperty("user.home");
        assertEquals(Path.of(home, ".cache/huggingface/hub"), HubSettings.resolve(Config.none(), Map.of()).cacheDir());
        assertEquals(tmp.resolve("xdg/huggingface/hub"), HubSettings.resolve(Config.none(), Map.of("XDG_CACHE_HOME", tmp.resolve("xdg").toString())).cacheDir());
        assertEquals(tmp.resolve("hf/hub"), HubSettings.resolve(Config.none(), Map.of("HF_HOME", tmp.resolve("hf").toString())).cacheDir());
        assertEquals(tmp.resolve("c"), HubSettings.resolve(Config.none(), Map.of("HF_HOME", tmp.resolve("hf").toString(),
                "HF_HUB_CACHE", tmp.resolve("c").toString())).cacheDir());
        Config explicit = new Config(Optional.empty(), Optional.of(tmp.resolve("mine")), Optional.empty(), Optional.empty());
        assertEquals(tmp.resolve("mine"), HubSettings.resolve(explicit, Map.of("HF_HUB_CACHE", "/elsewhere")).cacheDir());
    }

    @Test
    void endpointTokenAndOfflineComeFromTheEnvironment(@TempDir Path tmp) throws Exception {
        HubSettings d = HubSettings.resolve(Config.none(), Map.of("HF_HOME", tmp.toString()));
        assertEquals("https://huggingface.co", d.endpoint().toString());
        assertTrue(d.token().isEmpty());
        assertFalse(d.offline());
        HubSettings s = HubSettings.resolve(Config.none(), Map.of("HF_ENDPOINT", "https://hf-mirror.example/", "HF_TOKEN", "hf_abc",
                "HF_HUB_OFFLINE", "1", "HF_HOME", tmp.toString()));
        assertEquals("https://hf-mirror.example", s.endpoint().toString());
        assertEquals(Optional.of("hf_abc"), s.token());
        assertTrue(s.offline());
        assertFalse(s.toString().contains("hf_abc"), "settings never print the token: " + s);
        for (String yes : new String[]{"ON", "yes", "True"}) {
            assertTrue(HubSettings.resolve(Config.none(), Map.of("HF_HUB_OFFLINE", yes)).offline(), yes);
        }
        assertFalse(HubSettings.resolve(Config.none(), Map.of("HF_HUB_OFFLINE", "0")).offline());
        // huggingface-cli login's token file
        Files.writeString(tmp.resolve("token"), "hf_from_login\n");
        assertEquals(Optional.of("hf_from_login"), HubSettings.resolve(Config.none(), Map.of("HF_HOME", tmp.toString())).token());
    }

    @Test
    void repositoryIdsWithOptionalRevisions() {
        assertEquals(new HubRef("onnx-community/whisper-small", "main"), HubRef.parse("onnx-community/whisper-small").orElseThrow());
        HubRef pinned = HubRef.parse("openai/whisper-tiny@169d4a4341b33bc18d8881c4b69c2e104e1cc0af").orElseThrow();
        assertTrue(pinned.pinned());
        assertEquals("v1.0", HubRef.parse("org/m@v1.0").orElseThrow().revision());
        assertEquals("models--org--m", HubRef.parse("org/m").orElseThrow().folderName());
        for (String notAnId : new String[]{"whisper-small", "/abs/path", "./rel/dir", "a/b/c", "org/../x", "org--x/y", "org/ m"}) {
            assertTrue(HubRef.parse(notAnId).isEmpty(), notAnId);
        }
    }
}
