package io.localmodels.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.UUID;

/**
 * The service with lma.session.store=postgres on the loopback PostgreSQL server (its own schema,
 * migrated by the service at start-up). Without a server the profile stays on the embedded store
 * and the test skips.
 */
public class PostgresStoreProfile implements QuarkusTestProfile {

    public static final String URL = System.getenv().getOrDefault("LMA_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/lma_test");
    public static final String USER = System.getenv().getOrDefault("LMA_TEST_PG_USER", "lma");
    public static final String PASSWORD = System.getenv().getOrDefault("LMA_TEST_PG_PASSWORD", "lma");
    public static final String SCHEMA = "lma_app_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    public static volatile boolean available;

    @Override
    public Map<String, String> getConfigOverrides() {
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD)) {
            c.createStatement().execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            available = true;
        } catch (Exception e) {
            available = false;
            System.err.println("SKIPPED: needs a PostgreSQL server at " + URL + " (" + e.getMessage() + ")");
            return Map.of();
        }
        return Map.of("lma.session.store", "postgres",
                "quarkus.datasource.jdbc.url", URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA,
                "quarkus.datasource.username", USER, "quarkus.datasource.password", PASSWORD,
                "quarkus.flyway.schemas", SCHEMA);
    }
}
