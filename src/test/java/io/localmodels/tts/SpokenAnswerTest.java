package io.localmodels.tts;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An answer spoken while it is written: sentence by sentence, in order, stoppable, patient with a full queue. */
class SpokenAnswerTest {

    @Test
    void sentencesEndAtTheirPunctuationOrALineBreak() {
        assertEquals("Hello there. ".length(), SpokenAnswer.sentenceEnd("Hello there. How"));
        assertEquals(0, SpokenAnswer.sentenceEnd("Hello there."), "the text may go on: a sentence ends at the space after it");
        assertEquals(0, SpokenAnswer.sentenceEnd("It costs 3.5 euros"));
        assertEquals("¿Qué? ".length(), SpokenAnswer.sentenceEnd("¿Qué? Sí"));
        assertEquals("Wait!\t".length(), SpokenAnswer.sentenceEnd("Wait!\tNow"));
        assertEquals("A list\n".length(), SpokenAnswer.sentenceEnd("A list\n- one"));
        assertEquals("你好。".length(), SpokenAnswer.sentenceEnd("你好。再见"));
        String runOn = "word ".repeat(60) + "wo";
        assertEquals(runOn.lastIndexOf(' ') + 1, SpokenAnswer.sentenceEnd(runOn), "a run-on is spoken at its last space");
        assertEquals(0, SpokenAnswer.sentenceEnd("word ".repeat(40)), "under the run-on length it waits");
        assertEquals(300, SpokenAnswer.sentenceEnd("x".repeat(300)), "no space at all: all of it");
    }

    /** What a listener got, in order. */
    private static final class Heard implements SpokenAnswer.Listener {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger samples = new AtomicInteger();
        final CountDownLatch firstAudio = new CountDownLatch(1);
        final List<Integer> chunkSizes = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void sentence(String text) {
            events.add("sentence:" + text);
        }

        @Override
        public void audio(short[] pcm) {
            events.add("audio");
            chunkSizes.add(pcm.length);
            samples.addAndGet(pcm.length);
            firstAudio.countDown();
        }
    }

    @Test
    void theFirstSentenceIsSpokenBeforeTheAnswerIsWritten() throws Exception {
        SpeechService speech = SpeechServiceTest.ready(8);
        Heard heard = new Heard();
        SpokenAnswer answer = new SpokenAnswer(speech, "en", 1.0, heard, () -> false, 2400);
        answer.text("The first sentence is ");
        answer.text("here. The second");
        assertTrue(heard.firstAudio.await(20, TimeUnit.SECONDS), "the complete sentence is spoken while the rest is written");
        assertEquals("sentence:The first sentence is here.", heard.events.get(0));
        answer.text(" one ends now");
        answer.finish().toCompletableFuture().get(30, TimeUnit.SECONDS);
        List<String> sentences = heard.events.stream().filter(e -> e.startsWith("sentence:")).toList();
        assertEquals(List.of("sentence:The first sentence is here.", "sentence:The second one ends now"), sentences);
        int second = heard.events.indexOf("sentence:The second one ends now");
        assertTrue(heard.events.subList(1, second).stream().allMatch("audio"::equals), "each sentence's audio follows it: " + heard.events);
        assertTrue(heard.samples.get() > 24000, heard.samples + " samples");
        // chunks of at least a tenth of a second, but for each sentence's last
        long small = heard.chunkSizes.stream().filter(n -> n < 2400).count();
        assertTrue(small <= 2, "short chunks: " + heard.chunkSizes);
        assertEquals("The first sentence is here. The second one ends now".length(), answer.characters());
        speech.close();
    }

    @Test
    void aCancelledAnswerStopsAndDropsTheRest() throws Exception {
        SpeechService speech = SpeechServiceTest.ready(8);
        Heard heard = new Heard();
        AtomicBoolean cancelled = new AtomicBoolean();
        SpokenAnswer answer = new SpokenAnswer(speech, null, 1.0, new SpokenAnswer.Listener() {
            @Override
            public void sentence(String text) {
                heard.sentence(text);
            }

            @Override
            public void audio(short[] pcm) {
                heard.audio(pcm);
                cancelled.set(true);
            }
        }, cancelled::get, 1);
        answer.text("This is a long first sentence that takes a few seconds to say out loud. And a second one. ");
        answer.text("And a third.");
        answer.finish().toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(1, heard.events.stream().filter(e -> e.startsWith("sentence:")).count(), heard.events.toString());
        assertEquals(1, heard.chunkSizes.size(), "it stopped at the chunk after the cancel: " + heard.chunkSizes);
        speech.close();
    }

    @Test
    void aFullQueueIsWaitedForNotFailed() throws Exception {
        SpeechService speech = SpeechServiceTest.ready(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        SpeechSink blocking = new SpeechSink() {
            @Override
            public void audio(short[] pcm) {
                started.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public boolean cancelled() {
                return false;
            }
        };
        speech.speak("one", null, 1.0, blocking);
        assertTrue(started.await(20, TimeUnit.SECONDS));
        speech.speak("two", null, 1.0, blocking);
        assertThrows(TtsException.class, () -> speech.speak("three", null, 1.0, blocking), "the queue is full");

        Heard heard = new Heard();
        SpokenAnswer answer = new SpokenAnswer(speech, null, 1.0, heard, () -> false, 1);
        answer.text("Still spoken.");
        CompletionStage<Void> done = answer.finish();
        Thread.sleep(500);
        assertFalse(done.toCompletableFuture().isDone(), "it waits while the queue is full");
        release.countDown();
        done.toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(heard.samples.get() > 0, "spoken once there was room");
        speech.close();
    }
}
