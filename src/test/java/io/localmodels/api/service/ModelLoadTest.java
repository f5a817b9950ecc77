package io.localmodels.api.service;

import io.localmodels.testing.SharedFiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

/** With load-at-startup off, a configured model opens on POST /models/{id}/load, and says so. */
@QuarkusTest
@TestProfile(ModelLoadTest.LoadOnDemand.class)
class ModelLoadTest {

    public static class LoadOnDemand implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lma.inference.load-at-startup", "false");
        }
    }

    @Test
    void postLoadOpensAConfiguredModel() {
        SharedFiles.require("models/yolox-nano/yolox_nano.onnx");
        given().get("/models/yolox-nano").then().statusCode(200).body("state", not(equalTo("loaded")));
        given().post("/models/yolox-nano/load").then().statusCode(200).body("id", equalTo("yolox-nano"))
                .body("state", equalTo("loaded")).body("provider", equalTo("cpu"));
        given().get("/q/health/ready").then().body("checks.find { it.name == 'model:yolox-nano' }.data.state", equalTo("loaded"));
        given().post("/models/whisper-small/load").then().statusCode(409).body("error.code", equalTo("not_configured"));
    }
}
