package io.localmodels.vad;

import io.localmodels.audio.Resampler;
import io.localmodels.inference.ModelRegistry;
import io.localmodels.testing.OfflineSileroReference;
import io.localmodels.testing.SharedFiles;
import io.localmodels.testing.Wav;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streaming VAD against the offline reference, without the socket. */
@QuarkusTest
class VadStreamTest {

    @Inject
    SileroVad vad;

    @Inject
    VadBatcher batcher;

    @Inject
    ModelRegistry registry;

    @Inject
    VadConfig config;

    @BeforeEach
    void modelLoaded() {
        SharedFiles.require("models/silero-vad/silero_vad.onnx");
        registry.load("silero-vad");
    }

    @ParameterizedTest
    @ValueSource(strings = {"audio/jfk.wav", "audio/silero-test.wav", "audio/picovoice/test_es.wav"})
    void streamingMatchesTheOfflineReference(String file) throws Exception {
        List<long[]> segments = compare(file, 30, 100);
        assertTrue(!segments.isEmpty());
    }

    /**
     * With nothing else queued or running, a request is scored on the caller's thread (no hand-off);
     * this holds again once concurrent streams have gone through the inference threads.
     */
    @Test
    void aLoneRequestIsScoredOnTheCallersThreadOnceTheBatcherIsIdle() throws Exception {
        float[] audio = Wav.read(SharedFiles.require("audio/jfk.wav")).mono();
        int count = 20;
        float[] windows = Arrays.copyOf(audio, count * SileroVad.WINDOW);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> busy = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                busy.add(pool.submit(() -> {
                    SileroVad.State s = vad.newState();
                    float[] last = null;
                    for (int k = 0; k < 10; k++) {
                        last = batcher.score(s, windows, count).toCompletableFuture().join();
                    }
                    return last;
                }));
            }
            for (var f : busy) {
                assertEquals(count, f.get().length);
            }
        } finally {
            pool.shutdownNow();
        }
        // the idle path opens again once no request has had to queue for a while
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(VadBatcher.CONTENDED_NANOS) + 20);
        Thread caller = Thread.currentThread();
        Thread[] scoredOn = new Thread[1];
        var stage = batcher.score(vad.newState(), windows, count).toCompletableFuture();
        assertTrue(stage.isDone(), "an idle batcher scores on the caller's thread: the answer is there when score() returns");
        stage.thenRun(() -> scoredOn[0] = Thread.currentThread()).join();
        assertEquals(caller, scoredOn[0]);
        // the same windows through the same model, from a fresh state: the same probabilities either way
        float[] again = batcher.score(vad.newState(), windows, count).toCompletableFuture().join();
        assertTrue(Arrays.equals(stage.join(), again));
        assertTrue(stage.join()[count - 1] > 0.5f, "jfk.wav speaks in its first 0.64 s: " + Arrays.toString(stage.join()));
    }

    /**
     * Utterances over max_speech_s on real speech: where the reference (Silero's own rule) splits every
     * one of them at a pause of ≥ 98 ms, the service's pieces are the reference's to the sample. Where
     * Silero would cut with no pause, the service cuts at the quietest window instead
     * (SpeechSegmenterTest), so those settings are not compared here.
     */
    @ParameterizedTest
    @CsvSource({"audio/silero-test.wav, 15", "audio/picovoice/test_es.wav, 3"})
    void overLongUtterancesAreSplitAtTheirPausesAsSileroSplitsThem(String file, double maxSpeechS) throws Exception {
        float[] audio = Wav.read(SharedFiles.require(file)).mono();
        int[] splits = new int[2];
        OfflineSileroReference.speechTimestamps(SharedFiles.path("models/silero-vad/silero_vad.onnx"), audio, maxSpeechS,
                MIN_SILENCE_MS, splits);
        assertTrue(splits[0] > 0 && splits[1] == 0, "the setting makes Silero split at pauses only: " + splits[0]
                + " pause splits, " + splits[1] + " cuts without a pause");
        compare(file, maxSpeechS, MIN_SILENCE_MS);
    }

    @Inject
    Vertx vertx;

    /** An event-loop thread never scores on its own thread (a file's windows would block the loop), even when the batcher is idle. */
    @Test
    void anEventLoopThreadsRequestGoesToTheInferenceThreads() throws Exception {
        float[] audio = Wav.read(SharedFiles.require("audio/jfk.wav")).mono();
        // 500 windows are one stream's, scored one after another: tens of milliseconds on an inference thread, so that
        // "done on return" can only mean scored here, not an inference thread quicker than the next line (which CI hit with 20)
        int count = 500;
        float[] windows = Arrays.copyOf(audio, count * SileroVad.WINDOW);
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(VadBatcher.CONTENDED_NANOS) + 20);
        CompletableFuture<String> scoredOn = new CompletableFuture<>();
        vertx.runOnContext(v -> {
            assertTrue(Context.isOnEventLoopThread());
            CompletableFuture<?> scored = batcher.score(vad.newState(), windows, count).toCompletableFuture();
            // scored here, it would be done on return; scored elsewhere, it is not yet (and the callback below may still run
            // here, when the inference thread completes it: the name alone cannot tell the two apart)
            boolean doneOnReturn = scored.isDone();
            scored.thenRun(() -> scoredOn.complete((doneOnReturn ? "done on return, completed on " : "") + Thread.currentThread().getName()));
        });
        String where = scoredOn.get(10, TimeUnit.SECONDS);
        assertTrue(!where.startsWith("done on return"), "scored on the event loop: " + where);
    }

    /** Pauses of 98 ms or more that do not end the speech exist only when more silence than that ends it. */
    private static final int MIN_SILENCE_MS = 500;

    /**
     * A pause (Gemini Live's audioStreamEnd) in the middle of the first utterance closes it where the
     * scored audio ends; the stream then goes on with its windows where they were, so every later
     * utterance is exactly the uninterrupted reference's.
     */
    @Test
    void aPauseClosesOpenSpeechAndLaterUtterancesStayExact() throws Exception {
        float[] audio = Wav.read(SharedFiles.require("audio/silero-test.wav")).mono();
        List<long[]> expected = OfflineSileroReference.speechTimestamps(
                SharedFiles.path("models/silero-vad/silero_vad.onnx"), audio, 30, 100, new int[2]);
        VadParameters d = VadParameters.from(config);
        VadStream stream = new VadStream(batcher, vad, new VadParameters(d.threshold(), d.negThreshold(), d.minSpeechMs(), 100,
                d.speechPadMs(), 30), 1);
        // a point inside the first utterance that is not on a window boundary
        int pauseAt = (int) ((expected.get(0)[0] + expected.get(0)[1]) / 2) / 512 * 512 + 300;
        int scored = pauseAt / 512 * 512;
        List<VadEvent> before = new ArrayList<>();
        for (int pos = 0; pos < pauseAt; pos += 700) {
            before.addAll(stream.accept(Arrays.copyOfRange(audio, pos, Math.min(pauseAt, pos + 700))).toCompletableFuture().join());
        }
        List<VadEvent> paused = stream.pause();
        VadEvent.SpeechStopped cut = paused.stream().filter(VadEvent.SpeechStopped.class::isInstance)
                .map(VadEvent.SpeechStopped.class::cast).findFirst().orElseThrow(() -> new AssertionError("no utterance closed: " + paused));
        assertEquals(expected.get(0)[0], cut.utterance().startSample(), "the utterance starts as it would have");
        assertEquals(scored, cut.utterance().endSample(), "it ends where the scored audio ends");

        List<VadEvent> after = new ArrayList<>();
        for (int pos = pauseAt; pos < audio.length; pos += 700) {
            after.addAll(stream.accept(Arrays.copyOfRange(audio, pos, Math.min(audio.length, pos + 700))).toCompletableFuture().join());
        }
        after.addAll(stream.finish().toCompletableFuture().join());
        List<long[]> later = after.stream().filter(VadEvent.SpeechStopped.class::isInstance).map(VadEvent.SpeechStopped.class::cast)
                .map(e -> new long[] {e.utterance().startSample(), e.utterance().endSample()}).toList();
        // the rest of the first utterance comes as its own utterance; those after it are the reference's
        assertEquals(expected.get(0)[1], later.get(0)[1], "the rest of the first utterance ends as it would have");
        assertEquals(describe(expected.subList(1, expected.size())), describe(later.subList(1, later.size())));
    }

    private List<long[]> compare(String file, double maxSpeechS, int minSilenceMs) throws Exception {
        Wav wav = Wav.read(SharedFiles.require(file));
        float[] audio = wav.mono();
        List<long[]> expected = OfflineSileroReference.speechTimestamps(
                SharedFiles.path("models/silero-vad/silero_vad.onnx"), audio, maxSpeechS, minSilenceMs, new int[2]);
        VadParameters defaults = VadParameters.from(config);
        VadParameters params = new VadParameters(defaults.threshold(), defaults.negThreshold(), defaults.minSpeechMs(),
                minSilenceMs, defaults.speechPadMs(), maxSpeechS);

        VadStream stream = new VadStream(batcher, vad, params, 1);
        List<VadEvent> events = new ArrayList<>();
        int pos = 0;
        int step = 16000 * 20 / 1000;
        Resampler r = Resampler.create(16000, 16000);
        while (pos < audio.length) {
            int n = Math.min(step + (pos / step) % 3 * 160, audio.length - pos);
            events.addAll(stream.accept(r.process(Arrays.copyOfRange(audio, pos, pos + n))).toCompletableFuture().join());
            pos += n;
        }
        events.addAll(stream.finish().toCompletableFuture().join());

        List<long[]> actual = new ArrayList<>();
        double lastStart = -1;
        for (VadEvent e : events) {
            if (e instanceof VadEvent.SpeechStarted s) {
                lastStart = s.start();
            } else if (e instanceof VadEvent.SpeechStopped s) {
                assertEquals(lastStart, s.utterance().startSeconds(), 1e-9, "started/stopped pair");
                actual.add(new long[] {s.utterance().startSample(), s.utterance().endSample()});
                assertEquals(s.utterance().endSample() - s.utterance().startSample(), s.utterance().samples().length);
            }
        }
        assertEquals(expected.size(), actual.size(), describe(expected) + " vs " + describe(actual));
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i)[0], actual.get(i)[0], "segment " + i + " start (max " + maxSpeechS + " s)");
            assertEquals(expected.get(i)[1], actual.get(i)[1], "segment " + i + " end (max " + maxSpeechS + " s)");
        }
        return actual;
    }

    @Inject
    MeterRegistry meters;

    @Test
    void concurrentStreamsAreBatchedAndGiveTheSameSegmentsAsAloneRuns() throws Exception {
        String[] files = {"audio/jfk.wav", "audio/silero-test.wav", "audio/picovoice/test_es.wav",
                "audio/silero-test.wav", "audio/jfk.wav", "audio/picovoice/test.wav"};
        List<List<long[]>> expected = new ArrayList<>();
        List<float[]> audios = new ArrayList<>();
        for (String f : files) {
            float[] a = Wav.read(SharedFiles.require(f)).mono();
            audios.add(a);
            expected.add(OfflineSileroReference.speechTimestamps(SharedFiles.path("models/silero-vad/silero_vad.onnx"), a, 30));
        }
        var batches = meters.get("lma.vad.batch.size").summary();
        long callsBefore = batches.count();
        double windowsBefore = batches.totalAmount();
        List<Future<List<long[]>>> runs = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(files.length);
        try {
            for (float[] a : audios) {
                runs.add(pool.submit(() -> {
                    VadStream stream = new VadStream(batcher, vad, VadParameters.from(config), 1);
                    List<long[]> segs = new ArrayList<>();
                    List<VadEvent> events = new ArrayList<>();
                    // 100 ms pieces: three windows per request, so requests overlap across streams.
                    for (int pos = 0; pos < a.length; pos += 1600) {
                        events.addAll(stream.accept(Arrays.copyOfRange(a, pos, Math.min(a.length, pos + 1600)))
                                .toCompletableFuture().join());
                    }
                    events.addAll(stream.finish().toCompletableFuture().join());
                    for (VadEvent e : events) {
                        if (e instanceof VadEvent.SpeechStopped st) {
                            segs.add(new long[] {st.utterance().startSample(), st.utterance().endSample()});
                        }
                    }
                    return segs;
                }));
            }
            for (int i = 0; i < files.length; i++) {
                List<long[]> got = runs.get(i).get();
                assertEquals(describe(expected.get(i)), describe(got), files[i]);
            }
        } finally {
            pool.shutdownNow();
        }
        // this test's own calls (the registry outlives it): more windows than calls means some call served several streams
        long calls = batches.count() - callsBefore;
        double windows = batches.totalAmount() - windowsBefore;
        assertTrue(calls > 0 && windows > calls, "concurrent streams shared Silero calls: " + windows + " windows in " + calls + " calls");
    }

    static String describe(List<long[]> segs) {
        StringBuilder sb = new StringBuilder("[");
        for (long[] s : segs) {
            sb.append(String.format("%.3f-%.3f ", s[0] / 16000.0, s[1] / 16000.0));
        }
        return sb.append("]").toString();
    }
}
