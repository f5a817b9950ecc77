package io.localmodels.api.errors;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.startsWith;

/** Every HTTP failure answers {"error":{"code","message"}}. */
@QuarkusTest
class HttpErrorsTest {

    @Test
    void unknownRoute() {
        given().get("/no/such/route").then().statusCode(404).contentType(ContentType.JSON)
                .body("error.code", equalTo("not_found"))
                .body("error.message", equalTo("no route for GET /no/such/route"));
        given().get("/q/no-such-thing").then().statusCode(404).contentType(ContentType.JSON)
                .body("error.code", equalTo("not_found"));
    }

    @Test
    void unknownModel() {
        given().get("/models/nope").then().statusCode(404).contentType(ContentType.JSON)
                .body("error.code", equalTo("not_found"))
                .body("error.message", containsString("nope"));
        given().post("/models/nope/load").then().statusCode(404).body("error.code", equalTo("not_found"));
    }

    @Test
    void wrongMethod() {
        given().delete("/models").then().statusCode(405).contentType(ContentType.JSON)
                .body("error.code", equalTo("method_not_allowed"));
    }

    @Test
    void malformedJsonBody() {
        given().contentType(ContentType.JSON).body("{\"name\": \"x\", ").post("/test/echo").then()
                .statusCode(400).contentType(ContentType.JSON)
                .body("error.code", equalTo("malformed_json"))
                .body("error.message", startsWith("request body is not valid JSON"));
    }

    @Test
    void jsonOfTheWrongShape() {
        given().contentType(ContentType.JSON).body("{\"name\": \"x\", \"count\": \"many\"}").post("/test/echo").then()
                .statusCode(400).contentType(ContentType.JSON)
                .body("error.code", equalTo("malformed_json"))
                .body("error.message", containsString("expected JSON shape"));
    }

    @Test
    void unsupportedMediaType() {
        given().contentType(ContentType.XML).body("<a/>").post("/test/echo").then()
                .statusCode(415).contentType(ContentType.JSON)
                .body("error.code", equalTo("unsupported_media_type"));
    }

    @Test
    void oversizeBodyWithContentLength() {
        byte[] big = new byte[17 * 1024 * 1024];
        given().contentType(ContentType.JSON).body(big).post("/test/echo").then()
                .statusCode(413).contentType(ContentType.JSON)
                .body("error.code", equalTo("payload_too_large"))
                .body("error.message", containsString("max-body-size"));
    }

    @Test
    void unexpectedFailureIsAJson500WithAReference() {
        given().contentType(ContentType.JSON).body("{\"name\":\"x\",\"count\":-1}").post("/test/echo").then()
                .statusCode(500).contentType(ContentType.JSON)
                .body("error.code", equalTo("internal_error"))
                .body("error.message", containsString("reference"));
    }

    @Test
    void validRequestStillWorks() {
        given().contentType(ContentType.JSON).body("{\"name\":\"x\",\"count\":2}").post("/test/echo").then()
                .statusCode(200).body("count", equalTo(2));
    }

    @Test
    void openApiDocumentsTheRoutes() {
        given().accept(ContentType.JSON).get("/q/openapi?format=json").then().statusCode(200)
                .body("paths", hasKey("/models"))
                .body("paths", hasKey("/models/{id}"))
                .body("paths", hasKey("/models/{id}/load"));
    }
}
