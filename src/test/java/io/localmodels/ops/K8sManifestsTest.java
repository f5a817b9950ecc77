package io.localmodels.ops;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.localmodels.analysis.OpenAiAnalysisEngineTest;
import io.localmodels.testing.AnalysisProfile;
import io.localmodels.testing.FakeChatResource;
import io.localmodels.testing.FakeChatServer;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import io.localmodels.testing.WhisperFixtures;
import io.localmodels.testing.WsClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Renders every overlay with kubectl kustomize (Debian's kubernetes-client in CI), parses the output
 * with fabric8's typed model, and checks it against the running application: probe paths and
 * ports, the fetch-only init step, the cache volume, the GPU request, the HPA metric, the grace period.
 */
@QuarkusTest
@TestProfile(AnalysisProfile.class)
class K8sManifestsTest {

    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    static String kubectl() {
        String env = System.getenv("KUBECTL");
        for (String candidate : env != null ? List.of(env) : List.of("kubectl", "/usr/bin/kubectl")) {
            try {
                Process p = new ProcessBuilder(candidate, "version", "--client").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException | InterruptedException e) {
                // try the next
            }
        }
        String reason = "SKIPPED: needs kubectl to render k8s/ (apt-get install kubernetes-client; .ci/run does)";
        System.err.println(reason);
        Assumptions.abort(reason);
        return null;
    }

    static List<HasMetadata> render(String dir) throws Exception {
        Process p = new ProcessBuilder(kubectl(), "kustomize", dir).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "kubectl kustomize " + dir + " failed");
        List<HasMetadata> objects = new ArrayList<>();
        for (String doc : out.split("(?m)^---\\s*$")) {
            if (!doc.isBlank()) {
                objects.add(YAML.unmarshal(doc, HasMetadata.class));
            }
        }
        return objects;
    }

    static <T> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        assertEquals(1, found.size(), "one " + type.getSimpleName() + " in " + objects.stream().map(HasMetadata::getKind).toList());
        return found.get(0);
    }

    static String env(ConfigMap cm, Container c, String name) {
        for (EnvVar v : c.getEnv()) {
            if (v.getName().equals(name)) {
                return v.getValue();
            }
        }
        return cm.getData().get(name);
    }

    @Test
    void everyOverlayMatchesTheApplication() throws Exception {
        // the production configuration (tests run on a random port)
        Properties app = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            app.load(in);
        }
        int port = Integer.parseInt(app.getProperty("quarkus.http.port"));
        Duration drain = ConfigProvider.getConfig().getValue("lma.session.drain-timeout", Duration.class);
        for (String overlay : List.of("cpu", "gpu", "jetson", "scale")) {
            List<HasMetadata> objects = render("k8s/overlays/" + overlay);
            String what = "overlay " + overlay;
            Deployment d = one(objects, Deployment.class);
            ConfigMap cm = one(objects, ConfigMap.class);
            Container api = d.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertEquals(port, api.getPorts().get(0).getContainerPort(), what + ": container port = quarkus.http.port");
            String portName = api.getPorts().get(0).getName();
            Map<String, Probe> probes = Map.of("/q/health/live", api.getLivenessProbe(), "/q/health/ready", api.getReadinessProbe(),
                    "/q/health/started", api.getStartupProbe());
            probes.forEach((path, probe) -> {
                assertNotNull(probe, what + ": probe for " + path);
                assertEquals(path, probe.getHttpGet().getPath(), what);
                assertEquals(portName, probe.getHttpGet().getPort().getStrVal(), what + ": probe port");
                given().get(path).then().statusCode(Matchers.anyOf(Matchers.is(200), Matchers.is(503)));
            });
            assertTrue(api.getStartupProbe().getPeriodSeconds() * api.getStartupProbe().getFailureThreshold() >= 300,
                    what + ": the startup probe waits at least 5 minutes for model loading");

            // the init container fills the volume the API reads the cache from
            Container init = d.getSpec().getTemplate().getSpec().getInitContainers().get(0);
            assertEquals("true", env(cm, init, "LMA_MODELS_FETCH_ONLY"), what + ": fetch-only init step");
            String cacheDir = env(cm, api, "LMA_MODELS_CACHE_DIR");
            VolumeMount models = api.getVolumeMounts().stream().filter(m -> cacheDir.startsWith(m.getMountPath() + "/")).findFirst()
                    .orElseThrow(() -> new AssertionError(what + ": nothing mounted above " + cacheDir));
            Volume volume = d.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getName().equals(models.getName()))
                    .findFirst().orElseThrow();
            assertTrue(volume.getPersistentVolumeClaim() != null || volume.getEphemeral() != null, what + ": the cache is on a claim");
            if (volume.getPersistentVolumeClaim() != null) {
                String claim = volume.getPersistentVolumeClaim().getClaimName();
                assertTrue(objects.stream().anyMatch(o -> o instanceof PersistentVolumeClaim && o.getMetadata().getName().equals(claim)));
            }
            assertTrue(init.getVolumeMounts().stream().anyMatch(m -> m.getName().equals(models.getName())), what + ": init mounts the cache");
            assertTrue(api.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")), what + ": writable /tmp");
            assertTrue(api.getSecurityContext().getReadOnlyRootFilesystem());

            long grace = d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
            long drainS = Duration.parse("PT" + env(cm, api, "LMA_SESSION_DRAIN_TIMEOUT").toUpperCase()).toSeconds();
            long httpS = Duration.parse("PT" + env(cm, api, "QUARKUS_SHUTDOWN_TIMEOUT").toUpperCase()).toSeconds();
            assertTrue(grace > drainS + httpS, what + ": terminationGracePeriodSeconds covers the drain");
            assertEquals(drain.toSeconds(), drainS, what + ": the drain the ConfigMap sets is the application's default");

            Service svc = one(objects, Service.class);
            assertEquals(portName, svc.getSpec().getPorts().get(0).getTargetPort().getStrVal());
            Ingress ing = one(objects, Ingress.class);
            assertEquals("off", ing.getMetadata().getAnnotations().get("nginx.ingress.kubernetes.io/proxy-buffering"));
            one(objects, PodDisruptionBudget.class);

            Map<String, Quantity> limits = api.getResources().getLimits();
            boolean gpu = overlay.equals("gpu") || overlay.equals("scale");
            assertEquals(gpu, limits.containsKey("nvidia.com/gpu"), what + ": GPU request");
            if (gpu) {
                assertEquals("1", limits.get("nvidia.com/gpu").getAmount());
                assertFalse(d.getSpec().getTemplate().getSpec().getTolerations().isEmpty());
                assertEquals("cuda", env(cm, api, "LMA_INFERENCE_PROVIDER"));
            }
        }
    }

    @Test
    void theAutoscalerTargetsAMetricTheServiceExports() throws Exception {
        List<HasMetadata> objects = render("k8s/overlays/scale");
        HorizontalPodAutoscaler hpa = one(objects, HorizontalPodAutoscaler.class);
        String metric = hpa.getSpec().getMetrics().get(0).getPods().getMetric().getName();
        String exported = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(exported.lines().anyMatch(l -> l.startsWith(metric + " ") || l.startsWith(metric + "{")),
                metric + " is not in /q/metrics");
        assertEquals(one(objects, Deployment.class).getMetadata().getName(), hpa.getSpec().getScaleTargetRef().getName());
        assertEquals("postgres", one(objects, ConfigMap.class).getData().get("LMA_SESSION_STORE"), "replicas share sessions");
        String adapter = Files.readString(Path.of("k8s/monitoring/prometheus-adapter-values.yaml"));
        assertTrue(adapter.contains("\"^" + metric + "$\""), "the adapter rule exposes " + metric);
    }

    @TestHTTPResource("/")
    URI base;

    @Inject
    Vertx vertx;

    /**
     * Every series the dashboard queries, by its exact name (suffix included), exists once the service
     * has done each kind of work once: a transcribed and analysed session, a photo, a refused photo, a
     * protocol error. Counters with tags appear on first use, so the test does that work first instead
     * of exempting them.
     */
    @Test
    void theDashboardQueriesMetricsTheServiceDefines() throws Exception {
        WhisperFixtures.dir();
        SharedFiles.require("models/yolox-nano/yolox_nano.onnx");
        Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().get("/q/health/ready")
                .then().body("checks.find { it.name == 'asr' }.data.state", Matchers.equalTo("ready")));
        FakeChatResource.server.reset();
        FakeChatResource.server.answerWith(r -> FakeChatServer.Reply.content(
                OpenAiAnalysisEngineTest.GOOD));
        byte[] pcm = Wav.read(SharedFiles.require("audio/jfk.wav")).pcm();
        try (WsClient ws = WsClient.connect(vertx, base)) {
            ws.text("{not json");
            ws.json(new JsonObject().put("type", "config").put("sample_rate", 16000).put("encoding", "pcm16").put("language", "en"));
            ws.await("config_ack", 10);
            for (int pos = 0; pos < pcm.length; pos += 3200) {
                ws.binary(Arrays.copyOfRange(pcm, pos, Math.min(pcm.length, pos + 3200)));
            }
            ws.json(new JsonObject().put("type", "end_of_stream"));
            ws.await("stream_ended", 120);
        }
        Path dog = SharedFiles.require("images/dog.jpg");
        given().multiPart("file", dog.toFile(), "image/jpeg").post("/vision/frame").then().statusCode(200);
        given().multiPart("file", "x.gif", "GIF89a".getBytes(), "image/gif").post("/vision/frame").then().statusCode(415);

        String dashboard = Files.readString(Path.of("k8s/monitoring/grafana-dashboard.json"));
        String exported = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("\\b(lma_[a-z_]+)\\{").matcher(dashboard);
        Set<String> queried = new TreeSet<>();
        while (m.find()) {
            queried.add(m.group(1));
        }
        assertTrue(queried.size() >= 17, "the dashboard's series: " + queried);
        List<String> missing = new ArrayList<>();
        for (String name : queried) {
            if (exported.lines().noneMatch(l -> l.startsWith(name + "{") || l.startsWith(name + " "))) {
                missing.add(name);
            }
        }
        assertTrue(missing.isEmpty(), "dashboard series the service does not export: " + missing);
        assertTrue(YAML.unmarshal(Files.readString(Path.of("k8s/monitoring/servicemonitor.yaml")), HasMetadata.class).getKind()
                .equals("ServiceMonitor"));
    }
}
