package io.localmodels.models;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every model the service knows how to fetch and verify. Read once from the classpath resource
 * {@value #RESOURCE}; the catalog is code, so a model's hash changes only with a release.
 */
public final class ModelCatalog {

    public static final String RESOURCE = "models/catalog.json";

    private final Map<String, ModelSpec> models;

    public ModelCatalog(List<ModelSpec> models) {
        Map<String, ModelSpec> byId = new LinkedHashMap<>();
        Map<String, String> defaultByRole = new LinkedHashMap<>();
        for (ModelSpec m : models) {
            if (byId.putIfAbsent(m.id(), m) != null) {
                throw new IllegalArgumentException("catalog lists model id twice: " + m.id());
            }
            if (m.isDefault()) {
                String other = defaultByRole.putIfAbsent(m.role(), m.id());
                if (other != null) {
                    throw new IllegalArgumentException("catalog marks two defaults for role " + m.role() + ": " + other + ", " + m.id());
                }
            }
        }
        this.models = Collections.unmodifiableMap(byId);
    }

    public static ModelCatalog fromClasspath() {
        try (InputStream in = ModelCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("model catalog " + RESOURCE + " is missing from the classpath");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model catalog " + RESOURCE, e);
        }
    }

    public static ModelCatalog parse(InputStream json) throws IOException {
        ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        CatalogDocument doc = mapper.readValue(json, CatalogDocument.class);
        if (doc.schema() != 1) {
            throw new IOException("unsupported model catalog schema " + doc.schema());
        }
        return new ModelCatalog(doc.models() == null ? List.of() : doc.models());
    }

    public Optional<ModelSpec> find(String id) {
        return Optional.ofNullable(models.get(id));
    }

    public ModelSpec require(String id) {
        ModelSpec spec = models.get(id);
        if (spec == null) {
            throw new IllegalArgumentException("unknown model id '" + id + "'; the catalog has: " + String.join(", ", models.keySet()));
        }
        return spec;
    }

    public List<ModelSpec> all() {
        return List.copyOf(models.values());
    }

    public List<ModelSpec> defaults() {
        List<ModelSpec> out = new ArrayList<>();
        for (ModelSpec m : models.values()) {
            if (m.isDefault()) {
                out.add(m);
            }
        }
        return out;
    }

    private record CatalogDocument(int schema, List<ModelSpec> models) {
    }
}
