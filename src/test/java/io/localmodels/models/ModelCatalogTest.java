package io.localmodels.models;

import org.junit.jupiter.api.Test;

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
    void rejectsDuplicateIdsUnsafePathsAndBadHashes() {
        String file = "{\"name\":\"%s\",\"size\":1,\"sha256\":\"%s\",\"urls\":[]}";
        String ok = "a".repeat(64);
        String model = "{\"id\":\"%s\",\"role\":\"vad\",\"files\":[" + file + "]}";
        assertThrows(Exception.class, () -> parse(String.format(model, "x", "w.onnx", ok) + "," + String.format(model, "x", "w.onnx", ok)));
        assertThrows(Exception.class, () -> parse(String.format(model, "x", "../etc/passwd", ok)));
        assertThrows(Exception.class, () -> parse(String.format(model, "x", "w.onnx", "ABC")));
        assertEquals(1, assertDoesParse(String.format(model, "x", "onnx/encoder_model.onnx", ok)).all().size());
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
