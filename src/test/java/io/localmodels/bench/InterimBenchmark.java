package io.localmodels.bench;

import io.localmodels.testing.Readiness;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import io.localmodels.testing.WhisperFixtureProfile;
import io.localmodels.testing.WhisperFixtures;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;


/**
 * Not part of the suite (run explicitly, see docs/benchmarks.md). Interim results on the fixture
 * Whisper, sessions streaming silero-test.wav in real time: (1) time from speech_started to the first
 * interim_result of each utterance; (2) ASR compute (summed batch wall time) with interim results on
 * against off; (3) the finals' latency (speech_stopped to partial_result) with interim on against off,
 * with {@code lma.bench.sessions} sessions at once. Runs alternate on and off.
 */
@QuarkusTest
@TestProfile(WhisperFixtureProfile.class)
class InterimBenchmark {

    private static final int SESSIONS = Integer.getInteger("lma.bench.sessions", 20);
    private static final int ROUNDS = Integer.getInteger("lma.bench.rounds", 2);

    @TestHTTPResource("/")
    URI base;

    @Inject
    MeterRegistry meters;

    /** One received message and when it came. */
    private record Received(long nanos, JsonObject message) {
    }

    private record Run(List<Double> firstInterimMs, List<Double> finalMs, double asrSeconds, long interims) {
    }

    @Test
    void interimCostAndLatency() throws Exception {
        WhisperFixtures.dir();
        Readiness.awaitAsr();
        byte[] pcm = Wav.read(SharedFiles.require("audio/silero-test.wav")).pcm();
        List<String> lines = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (int sessions : new int[] {1, SESSIONS}) {
                for (boolean interim : new boolean[] {true, false}) {
                    Run r = run(pcm, sessions, interim);
                    lines.add(String.format(Locale.ROOT, "round %d, %2d session(s), interim %-5s: first interim after speech_started"
                                    + " p50 %s p90 %s ms (%d utterances); final after speech_stopped p50 %.0f p99 %.0f ms;"
                                    + " ASR busy %.2f s; %d interim results", round + 1, sessions, interim,
                            r.firstInterimMs().isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", pct(r.firstInterimMs(), 50)),
                            r.firstInterimMs().isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f", pct(r.firstInterimMs(), 90)),
                            r.firstInterimMs().size(), pct(r.finalMs(), 50), pct(r.finalMs(), 99), r.asrSeconds(), r.interims()));
                    System.out.println(lines.get(lines.size() - 1));
                }
            }
        }
        System.out.println("=== interim benchmark ===");
        lines.forEach(System.out::println);
    }

    private Run run(byte[] pcm, int sessions, boolean interim) throws Exception {
        Timer batches = meters.find("lma_asr_batch_seconds").timer();
        double busyBefore = batches == null ? 0 : batches.totalTime(TimeUnit.SECONDS);
        HttpClient http = HttpClient.newHttpClient();
        List<List<Received>> inboxes = new ArrayList<>();
        List<WebSocket> sockets = new ArrayList<>();
        List<CompletableFuture<Void>> ended = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            List<Received> inbox = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/ws/audio"),
                    new WebSocket.Listener() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                JsonObject m = new JsonObject(text.toString());
                                inbox.add(new Received(System.nanoTime(), m));
                                text.setLength(0);
                                if ("stream_ended".equals(m.getString("type"))) {
                                    done.complete(null);
                                }
                            }
                            w.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            ws.sendText(new JsonObject().put("type", "config").put("sample_rate", 16000).put("language", "es").put("interim", interim)
                    .encode(), true).get(10, TimeUnit.SECONDS);
            inboxes.add(inbox);
            sockets.add(ws);
            ended.add(done);
        }
        // real time: one 20 ms frame per session every 20 ms
        long t0 = System.nanoTime();
        for (int pos = 0, frame = 0; pos < pcm.length; pos += 640, frame++) {
            long due = t0 + frame * 20_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            byte[] chunk = Arrays.copyOfRange(pcm, pos, Math.min(pcm.length, pos + 640));
            for (WebSocket ws : sockets) {
                ws.sendBinary(ByteBuffer.wrap(chunk), true).get(10, TimeUnit.SECONDS);
            }
        }
        for (WebSocket ws : sockets) {
            ws.sendText("{\"type\":\"end_of_stream\"}", true).get(10, TimeUnit.SECONDS);
        }
        CompletableFuture.allOf(ended.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        sockets.forEach(ws -> ws.sendClose(WebSocket.NORMAL_CLOSURE, "").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join());

        List<Double> firstInterim = new ArrayList<>();
        List<Double> finals = new ArrayList<>();
        long interims = 0;
        for (List<Received> inbox : inboxes) {
            Map<Integer, Long> stopped = new HashMap<>();
            Map<Integer, Long> firstSeen = new HashMap<>();
            Long started = null;
            for (Received r : inbox) {
                String type = r.message().getString("type");
                switch (type) {
                    case "speech_started" -> started = r.nanos();
                    case "interim_result" -> {
                        interims++;
                        if (started != null && firstSeen.putIfAbsent(r.message().getInteger("segment_id"), r.nanos()) == null) {
                            firstInterim.add((r.nanos() - started) / 1e6);
                        }
                    }
                    case "speech_stopped" -> stopped.put(r.message().getInteger("segment_id"), r.nanos());
                    case "partial_result" -> {
                        Long at = stopped.get(r.message().getInteger("segment_id"));
                        if (at != null) {
                            finals.add((r.nanos() - at) / 1e6);
                        }
                    }
                    default -> { }
                }
            }
        }
        Timer after = meters.find("lma_asr_batch_seconds").timer();
        double busy = (after == null ? 0 : after.totalTime(TimeUnit.SECONDS)) - busyBefore;
        return new Run(firstInterim, finals, busy, interims);
    }

    private static double pct(List<Double> values, int p) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return v[Math.min(v.length - 1, (int) Math.ceil(p / 100.0 * v.length) - 1)];
    }
}
