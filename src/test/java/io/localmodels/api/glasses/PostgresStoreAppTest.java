package io.localmodels.api.glasses;

import io.localmodels.testing.AudioSocketMessages;
import io.localmodels.testing.PostgresStoreProfile;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service on PostgreSQL: Flyway migrates at start, a session's document lands in the database and comes back over HTTP. */
@QuarkusTest
@TestProfile(PostgresStoreProfile.class)
class PostgresStoreAppTest {

    /** Session ids of this run: the store outlives test runs, and an ended id cannot be used again. */
    static final String RUN = "-" + UUID.randomUUID().toString().substring(0, 8);
    static final String ID = "pg-1" + RUN;

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    @AfterAll
    static void dropSchema() {
        if (PostgresStoreProfile.available) {
            try (Connection c = DriverManager.getConnection(PostgresStoreProfile.URL, PostgresStoreProfile.USER, PostgresStoreProfile.PASSWORD)) {
                c.createStatement().execute("DROP SCHEMA IF EXISTS " + PostgresStoreProfile.SCHEMA + " CASCADE");
            } catch (Exception e) {
                System.err.println("could not drop test schema " + PostgresStoreProfile.SCHEMA + ": " + e.getMessage());
            }
        }
    }

    @Test
    void aSessionIsStoredInPostgres() throws Exception {
        if (!PostgresStoreProfile.available) {
            Assumptions.abort("SKIPPED: no PostgreSQL server (see PostgresStoreProfile)");
        }
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        byte[] pcm = Wav.read(SharedFiles.require("audio/jfk.wav")).pcm();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.json(new JsonObject().put("type", "config").put("session_id", ID).put("sample_rate", 16000));
            ws.await("config_ack", 10);
            AudioSocketMessages.sendFrames(ws, pcm, 0, pcm.length);
            ws.json(new JsonObject().put("type", "end_of_stream"));
            JsonObject fin = ws.await("final_result", 60);
            assertEquals("unavailable", fin.getJsonObject("analysis").getString("status"), fin.toString());
        }
        given().get("/sessions/" + ID).then().statusCode(200).body("session_id", equalTo(ID))
                .body("analysis.status", equalTo("unavailable"));
        try (Connection c = DriverManager.getConnection(PostgresStoreProfile.URL, PostgresStoreProfile.USER, PostgresStoreProfile.PASSWORD);
             ResultSet r = c.createStatement().executeQuery("SELECT final_document FROM " + PostgresStoreProfile.SCHEMA
                     + ".lma_sessions WHERE id = '" + ID + "'")) {
            assertTrue(r.next(), "the row is in PostgreSQL");
            assertTrue(r.getString(1).contains("\"session_id\":\"" + ID + "\""));
        }
        given().delete("/sessions/" + ID).then().statusCode(204);
        given().get("/sessions/" + ID).then().statusCode(404);
    }
}
