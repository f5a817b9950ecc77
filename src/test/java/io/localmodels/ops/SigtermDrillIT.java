package io.localmodels.ops;

import io.localmodels.testing.LlamaFixtures;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import io.localmodels.testing.WhisperFixtures;
import io.localmodels.testing.WsClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged service (target/quarkus-app), its own process, gets a real SIGTERM while Whisper decodes a
 * stream sent faster than real time, the embedded LLM (the fixture GGUF) generates a long answer and the
 * detector takes photo after photo: every model path has a call in flight. It used to die in ONNX Runtime (SIGSEGV, exit 134) in most trials:
 * the binding's own shutdown hook freed the native environment while the drain still ran Whisper. Each
 * trial must end as a drain does (the client told to reconnect, close 1012, exit 143) and every segment the
 * client was sent must be in the store when the service comes back.
 */
class SigtermDrillIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void sigtermWhileWhisperDecodesDrainsInsteadOfCrashing() throws Exception {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        Assumptions.assumeTrue(Files.exists(jar), "SigtermDrillIT: no packaged service (run it with ./mvnw verify)");
        Path whisper = WhisperFixtures.dir();
        byte[] pcm = Wav.read(SharedFiles.require("audio/silero-test.wav")).pcm();
        Path data = Path.of("target/sigterm-drill/data-" + ProcessHandle.current().pid());
        Path gguf = LlamaFixtures.modelOrNull();
        if (gguf == null) {
            System.out.println("SigtermDrillIT: no fixture GGUF could be made (see LlamaFixtures): the LLM path is left out of the drill");
        }
        byte[] photo = Files.readAllBytes(SharedFiles.require("images/dog.jpg"));
        Map<String, Integer> sent = new LinkedHashMap<>();
        for (int trial = 1; trial <= 3; trial++) {
            String id = "drill-" + trial + "-" + UUID.randomUUID().toString().substring(0, 8);
            Service s = Service.start(jar, whisper, gguf, data, "trial-" + trial);
            List<Thread> load = inFlight(s.base, gguf != null, photo);
            try (WsClient ws = WsClient.connect(s.base, "/ws/audio", new WebSocketConnectOptions())) {
                ws.json(new JsonObject().put("type", "config").put("session_id", id).put("sample_rate", 16000).put("encoding", "pcm16")
                        .put("language", "en"));
                ws.await("config_ack", 30);
                // as fast as the socket takes it, and on through the shutdown, as a client that has not heard yet would
                Thread sender = new Thread(() -> {
                    try {
                        for (int off = 0; off < pcm.length && !ws.isClosed(); off += 8000) {
                            ws.binary(Arrays.copyOfRange(pcm, off, Math.min(pcm.length, off + 8000)));
                        }
                    } catch (Exception closed) {
                        // the server went away mid-stream: what this drill is about
                    }
                }, "drill-sender");
                sender.start();
                Thread.sleep(1000L * trial);
                load.forEach(Thread::start);
                Thread.sleep(300);
                s.process.destroy(); // SIGTERM
                short code = ws.awaitClose(60);
                int exit = s.awaitExit();
                String log = Files.readString(s.log);
                assertFalse(log.contains("SIGSEGV") || log.contains("A fatal error has been detected"), "trial " + trial + " crashed:\n" + tail(log));
                assertEquals(143, exit, "trial " + trial + " did not end as a SIGTERM'd JVM does:\n" + tail(log));
                assertEquals(1012, code, "trial " + trial + ": " + ws.closeReason());
                assertEquals(1, ws.received("reconnect").size(), ws.received().toString());
                sent.put(id, ws.received("partial_result").size());
            } finally {
                s.process.destroyForcibly();
            }
        }
        assertTrue(sent.values().stream().mapToInt(Integer::intValue).sum() > 0, "no trial got a segment before its SIGTERM: " + sent);
        // the drain's promise: every segment sent to the client was stored before the process ended
        Service s = Service.start(jar, whisper, gguf, data, "check");
        try {
            for (Map.Entry<String, Integer> e : sent.entrySet()) {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(s.base.resolve("/sessions/" + e.getKey())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                int stored = new JsonObject(r.body()).getJsonArray("transcript").size();
                assertEquals(e.getValue(), stored, e.getKey() + ": segments sent vs stored: " + r.body());
            }
        } finally {
            s.process.destroy();
            s.awaitExit();
        }
    }

    /** A long LLM answer and a stream of photos, each until the server goes away. */
    private static List<Thread> inFlight(URI base, boolean llm, byte[] photo) {
        List<Thread> threads = new ArrayList<>();
        if (llm) {
            threads.add(new Thread(() -> request(HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":\"cuéntame una historia\"}],"
                            + "\"max_tokens\":2000}")).build(), 1), "drill-llm"));
        }
        String boundary = "drill" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"dog.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[head.length + photo.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(photo, 0, body, head.length, photo.length);
        System.arraycopy(tail, 0, body, head.length + photo.length, tail.length);
        threads.add(new Thread(() -> request(HttpRequest.newBuilder(base.resolve("/vision/frame"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), 1000), "drill-vision"));
        return threads;
    }

    private static void request(HttpRequest r, int times) {
        for (int i = 0; i < times; i++) {
            try {
                HTTP.send(r, HttpResponse.BodyHandlers.discarding());
            } catch (IOException | InterruptedException gone) {
                return; // the server went away: what this drill is about
            }
        }
    }

    private static String tail(String log) {
        return log.length() > 6000 ? log.substring(log.length() - 6000) : log;
    }

    private record Service(Process process, URI base, Path log) {

        static Service start(Path jar, Path whisper, Path gguf, Path data, String name) throws Exception {
            int port;
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
            Path log = data.resolveSibling(name + ".log");
            Files.createDirectories(data);
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:ErrorFile=" + data.resolveSibling("hs_err_" + name + "_%p.log"), "-Xmx1g",
                    "-Dquarkus.http.port=" + port, "-Dlma.asr.model=v2-merged",
                    "-Dlma.models.mirrors=" + SharedFiles.path("models") + "," + whisper.toAbsolutePath(),
                    "-Dlma.llm.model=" + (gguf == null ? "none" : gguf.toAbsolutePath()), "-Dlma.llm.context-size=4096",
                    "-Dlma.session.data-dir=" + data, "-Dlma.asr.max-batch=8", "-Dlma.asr.batch-window=20ms",
                    "-jar", jar.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            URI base = URI.create("http://127.0.0.1:" + port + "/");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    throw new AssertionError("the service exited at start:\n" + Files.readString(log));
                }
                try {
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/q/health/ready")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200 && ready(new JsonObject(r.body()), "asr") && (gguf == null || ready(new JsonObject(r.body()), "llm"))) {
                        return new Service(p, base, log);
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(300);
            }
            p.destroyForcibly();
            throw new AssertionError("the service did not become ready:\n" + Files.readString(log));
        }

        private static boolean ready(JsonObject health, String check) {
            return health.getJsonArray("checks").stream().map(JsonObject.class::cast)
                    .anyMatch(c -> c.getString("name").equals(check) && "ready".equals(c.getJsonObject("data").getString("state")));
        }

        int awaitExit() throws InterruptedException {
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the service did not stop within 90 s of SIGTERM");
            }
            return process.exitValue();
        }
    }
}
