package io.localmodels.tts;

import io.localmodels.testing.Espeak;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The speech service's states, its bounded queue, cancellation, and a shutdown that never terminates espeak-ng under a synthesis. */
class SpeechServiceTest {

    static TtsConfig config(String voice, String library, int maxQueue) {
        return new TtsConfig() {
            @Override
            public String voice() {
                return voice;
            }

            @Override
            public String library() {
                return library;
            }

            @Override
            public int maxInputChars() {
                return 4096;
            }

            @Override
            public int maxQueue() {
                return maxQueue;
            }

            @Override
            public int maxStreams() {
                return 16;
            }
        };
    }

    static SpeechService ready(int maxQueue) throws Exception {
        Espeak.requireLibrary();
        SpeechService s = new SpeechService(config("auto", "libespeak-ng.so.1", maxQueue));
        for (int i = 0; i < 100 && s.state() == SpeechService.State.LOADING; i++) {
            Thread.sleep(50);
        }
        assertEquals(SpeechService.State.READY, s.state(), String.valueOf(s.reason()));
        return s;
    }

    /** Collects chunks; optionally slow, and cancellable. */
    private static final class Collector implements SpeechSink {
        final List<short[]> chunks = new ArrayList<>();
        final AtomicBoolean cancel = new AtomicBoolean();
        final CountDownLatch first = new CountDownLatch(1);
        final long delayMs;

        Collector(long delayMs) {
            this.delayMs = delayMs;
        }

        @Override
        public void audio(short[] pcm) {
            synchronized (chunks) {
                chunks.add(pcm);
            }
            first.countDown();
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public boolean cancelled() {
            return cancel.get();
        }

        int samples() {
            synchronized (chunks) {
                return chunks.stream().mapToInt(c -> c.length).sum();
            }
        }
    }

    @Test
    void aMissingLibraryLeavesSpeechUnavailableWithTheInstallCommand() throws Exception {
        SpeechService s = new SpeechService(config("auto", "/nonexistent/libespeak-ng.so.1", 2));
        for (int i = 0; i < 100 && s.state() == SpeechService.State.LOADING; i++) {
            Thread.sleep(20);
        }
        assertEquals(SpeechService.State.UNAVAILABLE, s.state());
        assertTrue(s.reason().contains("apt-get install libespeak-ng1"), s.reason());
        TtsException e = assertThrows(TtsException.class, () -> s.speak("hello", null, 1, new Collector(0)));
        assertEquals(TtsException.Kind.UNAVAILABLE, e.kind());

        SpeechService off = new SpeechService(config("none", "libespeak-ng.so.1", 2));
        assertEquals(SpeechService.State.OFF, off.state());
        SpeechService unknown = new SpeechService(config("rhasspy/piper-voices/x.onnx", "libespeak-ng.so.1", 2));
        assertEquals(SpeechService.State.UNAVAILABLE, unknown.state());
        assertTrue(unknown.reason().contains("auto, espeak or none"), unknown.reason());
    }

    @Test
    void aFullQueueAnswersBusyAndACancelledSynthesisStops() throws Exception {
        SpeechService s = ready(1);
        try {
            String longText = "This sentence is long enough to keep the synthesis thread busy for a while. ".repeat(40);
            Collector slow = new Collector(20);
            CompletableFuture<Void> running = s.speak(longText, "en", 1, slow).toCompletableFuture();
            assertTrue(slow.first.await(10, TimeUnit.SECONDS), "the first chunk came");
            Collector queued = new Collector(0);
            CompletableFuture<Void> waiting = s.speak("queued", "en", 1, queued).toCompletableFuture();
            TtsException busy = assertThrows(TtsException.class, () -> s.speak("one too many", "en", 1, new Collector(0)));
            assertEquals(TtsException.Kind.BUSY, busy.kind());
            assertTrue(busy.getMessage().contains("lma.tts.max-queue"), busy.getMessage());

            slow.cancel.set(true);
            running.get(10, TimeUnit.SECONDS);
            waiting.get(10, TimeUnit.SECONDS);
            assertTrue(slow.samples() < 24000 * 10, "cancelled after a few chunks: " + slow.samples() / 24000.0 + " s of a minute-long text");
            assertTrue(queued.samples() > 0, "the queued one spoke after it");
        } finally {
            s.close();
        }
    }

    @Test
    void shutdownWaitsForTheSynthesisInsideTheLibraryThenRefuses() throws Exception {
        SpeechService s = ready(4);
        Collector slow = new Collector(5);
        CompletableFuture<Void> running = s.speak("Shutting down must wait for this sentence to be spoken. ".repeat(10), "en", 1, slow)
                .toCompletableFuture();
        assertTrue(slow.first.await(10, TimeUnit.SECONDS));
        AtomicInteger doneBeforeClose = new AtomicInteger(-1);
        s.close();
        doneBeforeClose.set(running.isDone() ? 1 : 0);
        assertEquals(1, doneBeforeClose.get(), "close returned only after the synthesis left espeak-ng");
        assertTrue(slow.samples() > 24000 * 5, "the whole text was spoken: " + slow.samples() / 24000.0 + " s");
        TtsException after = assertThrows(TtsException.class, () -> s.speak("late", "en", 1, new Collector(0)));
        assertEquals(TtsException.Kind.UNAVAILABLE, after.kind());
        assertTrue(after.getMessage().contains("shutting down"), after.getMessage());
    }
}
