package io.localmodels.tts;

import io.localmodels.audio.SampleArrays;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * An answer spoken while it is still being written: text arrives piece by piece (an LLM's stream),
 * each sentence is spoken as soon as it is complete, one after another, so that the first audio
 * leaves after the first sentence rather than after the whole answer. An answer holds at most one
 * place in the synthesis queue at a time, so that long answers of many clients take turns; a full
 * queue is retried for a while ({@link #BUSY_PATIENCE_MS}) rather than failing a conversation.
 * Audio goes out in chunks of at least {@code minChunkSamples} (a sentence's last chunk may be shorter).
 */
public final class SpokenAnswer {

    /** Where the spoken answer goes; called on the synthesis thread, in order. */
    public interface Listener {
        /** The sentence whose audio follows (what a transcript of the spoken answer shows). */
        void sentence(String text);

        /** 16-bit mono at {@link SpeechService#SAMPLE_RATE}. */
        void audio(short[] pcm);
    }

    /** How long a sentence waits for room in a full synthesis queue before the answer fails as busy. */
    static final long BUSY_PATIENCE_MS = 30_000;
    private static final long RETRY_MS = 100;
    /** A clause this long without a sentence end is spoken at its last space, so that speech never waits for a run-on. */
    static final int MAX_CLAUSE = 240;

    private final SpeechService speech;
    private final String voice;
    private final double speed;
    private final Listener listener;
    private final BooleanSupplier cancelled;
    private final int minChunkSamples;
    private final StringBuilder pending = new StringBuilder();
    private CompletableFuture<Void> spoken = CompletableFuture.completedFuture(null);
    private int characters;

    /**
     * @param voice a voice {@link SpeechService#voice} accepts (null: the default)
     * @param cancelled true stops the answer: what is being spoken stops at its next chunk, the rest is dropped
     */
    public SpokenAnswer(SpeechService speech, String voice, double speed, Listener listener, BooleanSupplier cancelled,
                        int minChunkSamples) {
        this.speech = speech;
        this.voice = speech.voice(voice);
        this.speed = speed;
        this.listener = listener;
        this.cancelled = cancelled;
        this.minChunkSamples = Math.max(1, minChunkSamples);
    }

    /** The next piece of the answer's text; complete sentences in it start being spoken. */
    public synchronized void text(String piece) {
        if (piece == null || piece.isEmpty() || cancelled.getAsBoolean()) {
            return;
        }
        characters += piece.length();
        pending.append(piece);
        int end;
        while ((end = sentenceEnd(pending)) > 0) {
            say(pending.substring(0, end));
            pending.delete(0, end);
        }
    }

    /** The answer's text is complete: the rest is spoken. Completes once the last chunk went to the listener. */
    public synchronized CompletionStage<Void> finish() {
        if (!cancelled.getAsBoolean()) {
            say(pending.toString());
        }
        pending.setLength(0);
        return spoken;
    }

    /** Characters of text received (what was given to be spoken). */
    public synchronized int characters() {
        return characters;
    }

    /**
     * Where the first sentence of {@code text} ends (after its closing punctuation and the space after
     * it, or at a line break), 0 when no sentence is complete yet. A run-on longer than
     * {@link #MAX_CLAUSE} ends at its last space.
     */
    static int sentenceEnd(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                return i + 1;
            }
            if ((c == '.' || c == '!' || c == '?' || c == '…' || c == ';') && i + 1 < text.length()
                    && Character.isWhitespace(text.charAt(i + 1))) {
                return i + 2;
            }
            if (c == '。' || c == '！' || c == '？') {
                return i + 1;
            }
        }
        if (text.length() > MAX_CLAUSE) {
            for (int i = text.length() - 1; i > 0; i--) {
                if (Character.isWhitespace(text.charAt(i))) {
                    return i + 1;
                }
            }
            return text.length();
        }
        return 0;
    }

    private void say(String sentence) {
        String clean = sentence.strip();
        if (clean.isEmpty() || clean.chars().noneMatch(Character::isLetterOrDigit)) {
            return;
        }
        spoken = spoken.thenCompose(v -> cancelled.getAsBoolean() ? CompletableFuture.completedFuture(null)
                : speakWaiting(clean, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUSY_PATIENCE_MS)));
    }

    /** One sentence, retried while the queue is full (until {@code deadline}). */
    private CompletionStage<Void> speakWaiting(String sentence, long deadline) {
        try {
            return speech.speak(sentence, voice, speed, new Chunker(sentence));
        } catch (TtsException e) {
            if (e.kind() != TtsException.Kind.BUSY || System.nanoTime() > deadline || cancelled.getAsBoolean()) {
                return CompletableFuture.failedFuture(e);
            }
            Executor later = CompletableFuture.delayedExecutor(RETRY_MS, TimeUnit.MILLISECONDS);
            return CompletableFuture.supplyAsync(() -> null, later).thenCompose(v -> speakWaiting(sentence, deadline));
        }
    }

    /** One sentence's audio, gathered into chunks of at least minChunkSamples; the sentence is told with its first audio. */
    private final class Chunker implements SpeechSink {
        private final String sentence;
        private short[] buffer = new short[0];
        private int length;
        private boolean told;

        Chunker(String sentence) {
            this.sentence = sentence;
        }

        @Override
        public void audio(short[] pcm) {
            if (!told) {
                told = true;
                listener.sentence(sentence);
            }
            buffer = SampleArrays.append(buffer, length, pcm);
            length += pcm.length;
            if (length >= minChunkSamples) {
                flush();
            }
        }

        @Override
        public void done() {
            if (!cancelled()) {
                flush();
            }
        }

        private void flush() {
            if (length > 0) {
                listener.audio(Arrays.copyOf(buffer, length));
                length = 0;
            }
        }

        @Override
        public boolean cancelled() {
            return cancelled.getAsBoolean();
        }
    }
}
