package io.localmodels.tts;

import io.localmodels.audio.Downmix;
import io.localmodels.audio.PolyphaseResampler;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Speech output: text in, 24 kHz 16-bit mono out, chunk by chunk. One synthesis thread owns the
 * synthesizer (espeak-ng is not thread-safe); requests wait in a bounded queue, and one more is
 * refused as busy rather than queued. Never on an audio, VAD, ASR or event-loop thread.
 */
@Startup
@Singleton
public class SpeechService {

    /** The rate of every answer (OpenAI's pcm, Gemini's audio/pcm;rate=24000). */
    public static final int SAMPLE_RATE = 24000;

    public enum State { OFF, LOADING, READY, UNAVAILABLE }

    /** A place among the answers being sent; closing it again does nothing. */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    /** OpenAI's voice names: all speak with the default English voice until more voices are configured. */
    private static final Set<String> OPENAI_VOICES = Set.of("alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx",
            "sage", "shimmer", "verse", "marin", "cedar");
    private static final String DEFAULT_VOICE = "en-us";
    private static final Pattern VOICE_NAME = Pattern.compile("[a-z0-9]{1,16}(-[a-z0-9]{1,16}){0,3}");
    private static final Logger LOG = Logger.getLogger(SpeechService.class);

    private final TtsConfig config;
    private final ThreadPoolExecutor thread;
    private volatile State state;
    private volatile String reason;
    private volatile EspeakSynthesizer synthesizer;
    private volatile boolean closed;
    private final AtomicInteger streams = new AtomicInteger();

    public SpeechService(TtsConfig config) {
        this.config = config;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(Math.max(1, config.maxQueue())), r -> {
            Thread t = new Thread(r, "tts-synthesis");
            t.setDaemon(true);
            return t;
        });
        String voice = config.voice().strip().toLowerCase(Locale.ROOT);
        if (voice.equals("none")) {
            state = State.OFF;
            reason = "lma.tts.voice=none";
            return;
        }
        if (!voice.equals("auto") && !voice.equals("espeak")) {
            state = State.UNAVAILABLE;
            reason = "lma.tts.voice=" + config.voice() + " is not a voice this version serves; use auto, espeak or none";
            return;
        }
        state = State.LOADING;
        thread.execute(this::load);
    }

    private void load() {
        try {
            EspeakSynthesizer s = EspeakSynthesizer.acquire(config.library());
            synthesizer = s;
            state = State.READY;
            LOG.infof("speech output: %s, %d voices, %d Hz resampled to %d Hz", s.version(), s.voices().size(), s.sampleRate(), SAMPLE_RATE);
        } catch (TtsException e) {
            reason = e.getMessage();
            state = State.UNAVAILABLE;
            LOG.warnf("speech output unavailable: %s", reason);
        }
    }

    public State state() {
        return state;
    }

    public String reason() {
        return reason;
    }

    /** The longest text one request may speak (lma.tts.max-input-chars). */
    public int maxInputChars() {
        return config.maxInputChars();
    }

    /** The synthesizer and its version, once ready. */
    public String engine() {
        EspeakSynthesizer s = synthesizer;
        return s == null ? null : s.version();
    }

    /** OpenAI's voice names, which a request may also use. */
    public static Set<String> openAiVoices() {
        return OPENAI_VOICES;
    }

    /** The voices a request may name, once ready (OpenAI's names come on top). */
    public Set<String> voices() {
        EspeakSynthesizer s = synthesizer;
        return s == null ? Set.of() : s.voices();
    }

    /**
     * The synthesizer's voice for {@code requested}: one of OpenAI's voice names (the default English
     * voice), a language code or a voice name of the synthesizer ({@code en}, {@code es}, {@code pt-br}), or
     * null for the default.
     */
    public String voice(String requested) {
        if (requested == null || requested.isBlank()) {
            return DEFAULT_VOICE;
        }
        String v = requested.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        if (OPENAI_VOICES.contains(v)) {
            return DEFAULT_VOICE;
        }
        Set<String> known = voices();
        if (VOICE_NAME.matcher(v).matches() && known.contains(v)) {
            return v;
        }
        String shown = requested.length() > 40 ? requested.substring(0, 40) + "…" : requested;
        throw new TtsException(TtsException.Kind.INVALID, "unknown voice '" + shown + "': use one of OpenAI's voice names "
                + OPENAI_VOICES.stream().sorted().toList() + ", or a language such as en, es, de, fr, pt-br (" + known.size()
                + " voices; GET /v1/audio/voices lists them)");
    }

    /**
     * The synthesizer's voice for a language ({@code es}, {@code es-ES}, {@code pt_BR}, Whisper's
     * {@code en}): the voice of that exact region, else the language's own; null when it has none.
     */
    public String voiceForLanguage(String code) {
        if (code == null || code.isBlank()) {
            return null;
        }
        String v = code.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        if (!VOICE_NAME.matcher(v).matches()) {
            return null;
        }
        Set<String> known = voices();
        String language = v.contains("-") ? v.substring(0, v.indexOf('-')) : v;
        if (language.equals("en") && (v.equals("en") || !known.contains(v))) {
            return DEFAULT_VOICE;
        }
        return known.contains(v) ? v : known.contains(language) ? language : null;
    }

    /**
     * A place among the answers being sent at once (lma.tts.max-streams), for an answer that waits in
     * memory until its client reads it; closing it gives the place back (once).
     */
    public Slot admit() {
        if (streams.incrementAndGet() > config.maxStreams()) {
            streams.decrementAndGet();
            throw new TtsException(TtsException.Kind.BUSY, config.maxStreams()
                    + " spoken answers are being sent (lma.tts.max-streams); retry shortly");
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                streams.decrementAndGet();
            }
        };
    }

    /**
     * Speaks {@code text} into {@code sink}; completes when the last chunk went out (or the sink was
     * cancelled). {@code speed}: 0.25 to 4 (1 is the voice's own pace). Throws {@link TtsException} at
     * once for bad input, a full queue, or no speech output.
     */
    public CompletionStage<Void> speak(String text, String voice, double speed, SpeechSink sink) {
        if (state != State.READY || closed) {
            throw new TtsException(TtsException.Kind.UNAVAILABLE, "speech output is " + (closed ? "shutting down"
                    : state.name().toLowerCase(Locale.ROOT) + (reason != null ? ": " + reason : "")));
        }
        String clean = text == null ? "" : text.replaceAll("[\\p{Cc}&&[^\\n\\t]]", " ").strip();
        if (clean.isEmpty()) {
            throw new TtsException(TtsException.Kind.INVALID, "input is empty: there is nothing to speak");
        }
        if (text.length() > config.maxInputChars()) {
            throw new TtsException(TtsException.Kind.INVALID, "input has " + text.length() + " characters; at most "
                    + config.maxInputChars() + " (lma.tts.max-input-chars)");
        }
        if (!(speed >= 0.25 && speed <= 4.0)) {
            throw new TtsException(TtsException.Kind.INVALID, "speed must be 0.25 to 4.0, got " + speed);
        }
        String name = voice(voice);
        int rate = (int) Math.max(EspeakSynthesizer.MIN_RATE, Math.min(EspeakSynthesizer.MAX_RATE,
                Math.round(EspeakSynthesizer.DEFAULT_RATE * speed)));
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            thread.execute(() -> run(clean, name, rate, sink, done));
        } catch (RejectedExecutionException e) {
            throw new TtsException(closed ? TtsException.Kind.UNAVAILABLE : TtsException.Kind.BUSY, closed
                    ? "speech output is shutting down" : "speech output has " + config.maxQueue()
                    + " requests waiting (lma.tts.max-queue); retry shortly");
        }
        return done;
    }

    private void run(String text, String voice, int rate, SpeechSink sink, CompletableFuture<Void> done) {
        if (sink.cancelled()) {
            done.complete(null);
            return;
        }
        try {
            EspeakSynthesizer s = synthesizer;
            PolyphaseResampler resampler = new PolyphaseResampler(s.sampleRate(), SAMPLE_RATE);
            s.speak(text, voice, rate, chunk -> {
                send(resampler.process(Downmix.toMonoFloat(chunk, 1)), sink);
                return !sink.cancelled();
            });
            if (!sink.cancelled()) {
                send(resampler.flush(), sink);
                sink.done();
            }
            done.complete(null);
        } catch (RuntimeException e) {
            LOG.warnf(e, "speech synthesis failed");
            done.completeExceptionally(e instanceof TtsException ? e : new TtsException(TtsException.Kind.FAILED,
                    "speech synthesis failed: " + e));
        }
    }

    private static void send(float[] samples, SpeechSink sink) {
        if (samples.length == 0) {
            return;
        }
        short[] out = new short[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, Math.round(samples[i] * 32768f)));
        }
        sink.audio(out);
    }

    /** What readiness and /models say about speech output. */
    public Map<String, Object> describe() {
        EspeakSynthesizer s = synthesizer;
        return s == null ? Map.of() : Map.of("engine", s.version(), "voices", s.voices().size(), "sample_rate", SAMPLE_RATE);
    }

    /**
     * Refuses new requests and waits for the synthesis running and those queued, so that the process
     * never exits under a call into the library (which stays initialised: see {@link EspeakSynthesizer}).
     */
    @PreDestroy
    void close() {
        closed = true;
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.warn("speech synthesis still running after 30 s at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
