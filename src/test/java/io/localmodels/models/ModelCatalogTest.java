package io.localmodels.models;

import io.localmodels.asr.WhisperLocator;
import io.localmodels.models.hub.HubRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelCatalogTest {

    @Test
    void shippedCatalogHasOneDefaultPerRoleAndPinsEveryFile() {
        ModelCatalog catalog = ModelCatalog.fromClasspath();
        Set<String> roles = new HashSet<>();
        for (ModelSpec m : catalog.defaults()) {
            assertTrue(roles.add(m.role()), "two defaults for " + m.role());
        }
        assertTrue(roles.containsAll(Set.of("vad", "vision-detector")), roles.toString());
        for (ModelSpec m : catalog.all()) {
            for (ModelFile f : m.files()) {
                assertEquals(64, f.sha256().length(), m.id() + "/" + f.name());
                assertTrue(!f.urls().isEmpty(), m.id() + "/" + f.name() + " has no source URL");
                f.urls().forEach(u -> assertEquals("https", u.getScheme(), u.toString()));
            }
            assertTrue(m.licence() != null && !m.licence().isBlank(), m.id() + " has no licence");
        }
    }

    @Test
    void whisperEntriesNameHubRepositoriesAndTheAutoDefaultsAreAmongThem() {
        ModelCatalog catalog = ModelCatalog.fromClasspath();
        Set<String> whisper = new HashSet<>();
        for (ModelSpec m : catalog.all()) {
            if (m.role().equals("asr")) {
                assertTrue(m.fromHub() && m.files().isEmpty(), m.id());
                assertTrue(HubRef.parse(m.hub()).isPresent(), m.id() + ": " + m.hub());
                assertTrue(m.download() != null && !m.download().isBlank(), m.id() + " says what it downloads");
                whisper.add(m.id());
            }
        }
        assertTrue(whisper.containsAll(Set.of("whisper-tiny", "whisper-base", "whisper-small", "whisper-medium", "whisper-large-v3",
                "whisper-large-v3-turbo", "whisper-tiny.en", "whisper-base.en", "whisper-small.en", "whisper-medium.en")), whisper.toString());
        assertTrue(whisper.contains(WhisperLocator.CPU_DEFAULT) && whisper.contains(WhisperLocator.CUDA_DEFAULT));
        String hub = "{\"id\":\"w\",\"role\":\"asr\",\"hub\":\"org/w\"}";
        assertTrue(assertDoesParse(hub).find("w").orElseThrow().fromHub());
        refused(() -> parse("{\"id\":\"w\",\"role\":\"asr\"}"), "neither files nor a hub repository");
    }

    @Test
    void rejectsDuplicateIdsUnsafePathsAndBadHashes() {
        String file = "{\"name\":\"%s\",\"size\":1,\"sha256\":\"%s\",\"urls\":[]}";
        String ok = "a".repeat(64);
        String model = "{\"id\":\"%s\",\"role\":\"vad\",\"files\":[" + file + "]}";
        refused(() -> parse(String.format(model, "x", "w.onnx", ok) + "," + String.format(model, "x", "w.onnx", ok)), "lists model id twice");
        refused(() -> parse(String.format(model, "x", "../etc/passwd", ok)), "relative path inside the model folder");
        refused(() -> parse(String.format(model, "x", "w.onnx", "ABC")), "lowercase hex sha256");
        assertEquals(1, assertDoesParse(String.format(model, "x", "onnx/encoder_model.onnx", ok)).all().size());
    }

    /** Refused for the reason given, not for any other (a typo in the test's JSON would also throw). */
    private static void refused(Executable parse, String reason) {
        Throwable e = assertThrows(Exception.class, parse);
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append(" / ");
        }
        assertTrue(messages.toString().contains(reason), "expected '" + reason + "': " + messages);
    }

    private static ModelCatalog assertDoesParse(String models) {
        try {
            return parse(models);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static ModelCatalog parse(String models) throws Exception {
        String json = "{\"schema\":1,\"models\":[" + models + "]}";
        return ModelCatalog.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }
}
