package io.localmodels.api;

import io.localmodels.testing.TcpProxy;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/**
 * The real PostgreSQL reached through a loopback relay that the test cuts and restores: while the store cannot
 * be reached, reading sessions is a 503 `store_unavailable` with Retry-After (it was a 500), and it answers again
 * once the database is back.
 */
@QuarkusTest
@TestProfile(StoreOutageTest.ThroughARelay.class)
class StoreOutageTest {

    static TcpProxy relay;

    public static class ThroughARelay extends PostgresStoreProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(super.getConfigOverrides());
            if (!available) {
                return m;
            }
            URI pg = URI.create(URL.substring("jdbc:".length()));
            try {
                relay = new TcpProxy(pg.getHost(), pg.getPort() < 0 ? 5432 : pg.getPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String viaRelay = "jdbc:postgresql://127.0.0.1:" + relay.port() + pg.getPath();
            m.put("quarkus.datasource.jdbc.url", viaRelay + "?currentSchema=" + SCHEMA);
            m.put("quarkus.datasource.jdbc.acquisition-timeout", "2s");
            return m;
        }
    }

    @Test
    void readingSessionsDuringAnOutageIsA503AndWorksAgainAfterIt() throws Exception {
        Assumptions.assumeTrue(PostgresStoreProfile.available, "needs a PostgreSQL server (see PostgresStoreProfile)");
        given().get("/sessions/nobody-here").then().statusCode(404);
        relay.cut();
        try {
            given().get("/sessions/nobody-here").then().statusCode(503).body("error.code", equalTo("store_unavailable"))
                    .header("Retry-After", notNullValue());
            given().get("/sessions").then().statusCode(503).body("error.code", equalTo("store_unavailable"));
        } finally {
            relay.restore();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/sessions/nobody-here").then().statusCode(404));
        given().get("/sessions").then().statusCode(200);
    }
}
