package io.localmodels.tts;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * espeak-ng's own synthesizer through its C library. espeak-ng keeps global state (one voice, one
 * callback, one set of buffers per process), so there is one instance per process and every call
 * into the library holds one lock: a synthesis is over before the next one starts.
 * <p>
 * It is initialised once and never terminated: measured here (espeak-ng 1.51), {@code espeak_Terminate}
 * after a synthesis its callback stopped, followed by a second initialisation in the same process,
 * spun forever inside the library. Its few megabytes go with the process; shutdown waits for the
 * synthesis running (see {@link SpeechService}), so the process never exits under a call into it.
 */
final class EspeakSynthesizer {

    private static final Object LIBRARY = new Object();
    private static EspeakSynthesizer shared;

    /** espeak-ng's default speaking rate, in words per minute, and the range it takes. */
    static final int DEFAULT_RATE = 175;
    static final int MIN_RATE = 80;
    static final int MAX_RATE = 450;

    private final String library;
    private final EspeakLibrary lib;
    private final int sampleRate;
    private final String version;
    private final Set<String> voices;
    /** Held here: the library keeps only a pointer to it, which would dangle if the object were collected. */
    private final EspeakLibrary.SynthCallback callback = this::chunk;
    private Predicate<short[]> target;
    /** What the target threw inside the callback (a Java exception must not unwind through espeak-ng's C frames). */
    private RuntimeException targetFailure;

    private EspeakSynthesizer(String library, EspeakLibrary lib, int sampleRate, String version, Set<String> voices) {
        this.library = library;
        this.lib = lib;
        this.sampleRate = sampleRate;
        this.version = version;
        this.voices = voices;
        lib.espeak_SetSynthCallback(callback);
    }

    /** The process's synthesizer, opened by its first user; another library in the same process is refused. */
    static EspeakSynthesizer acquire(String library) {
        synchronized (LIBRARY) {
            if (shared != null && shared.library.equals(library)) {
                return shared;
            }
            EspeakLibrary lib = load(library);
            if (shared != null) {
                throw new TtsException(TtsException.Kind.UNAVAILABLE, "espeak-ng is already loaded from " + shared.library
                        + " in this process; one library per process");
            }
            shared = open(library, lib);
            return shared;
        }
    }

    private static EspeakLibrary load(String library) {
        try {
            return Native.load(library, EspeakLibrary.class);
        } catch (UnsatisfiedLinkError e) {
            throw new TtsException(TtsException.Kind.UNAVAILABLE, "espeak-ng's library (" + library + ") cannot be loaded: "
                    + e.getMessage().lines().findFirst().orElse("") + "; install it with: apt-get install libespeak-ng1 espeak-ng-data");
        }
    }

    private static EspeakSynthesizer open(String library, EspeakLibrary lib) {
        int rate = lib.espeak_Initialize(EspeakLibrary.AUDIO_OUTPUT_SYNCHRONOUS, 0, null, 0);
        if (rate <= 0) {
            throw new TtsException(TtsException.Kind.UNAVAILABLE, "espeak-ng did not start (is espeak-ng-data installed?)");
        }
        PointerByReference dataPath = new PointerByReference();
        String version = lib.espeak_Info(dataPath);
        Set<String> voices = dataPath.getValue() == null ? Set.of() : voicesIn(Path.of(dataPath.getValue().getString(0), "lang"));
        if (voices.isEmpty()) {
            throw new TtsException(TtsException.Kind.UNAVAILABLE, "espeak-ng found no voices in its data folder (espeak-ng-data)");
        }
        return new EspeakSynthesizer(library, lib, rate, "espeak-ng " + version, voices);
    }

    /** Voice names are the file names under espeak-ng-data/lang (en, en-us, es, es-419, …). */
    private static Set<String> voicesIn(Path lang) {
        try (Stream<Path> files = Files.walk(lang)) {
            Set<String> out = new TreeSet<>();
            files.filter(Files::isRegularFile).forEach(f -> out.add(f.getFileName().toString().toLowerCase(Locale.ROOT)));
            return out;
        } catch (IOException e) {
            return Set.of();
        }
    }

    int sampleRate() {
        return sampleRate;
    }

    String version() {
        return version;
    }

    Set<String> voices() {
        return voices;
    }

    /**
     * Speaks {@code text} with {@code voice} (one of {@link #voices()}) at {@code wordsPerMinute}
     * ({@link #MIN_RATE} to {@link #MAX_RATE}); each chunk goes to {@code target}, whose false stops it.
     */
    void speak(String text, String voice, int wordsPerMinute, Predicate<short[]> target) {
        synchronized (LIBRARY) {
            speakLocked(text, voice, wordsPerMinute, target);
        }
    }

    private void speakLocked(String text, String voice, int wordsPerMinute, Predicate<short[]> target) {
        if (!voices.contains(voice) || wordsPerMinute < MIN_RATE || wordsPerMinute > MAX_RATE) {
            throw new IllegalArgumentException("voice " + voice + " at " + wordsPerMinute + " words per minute");
        }
        if (lib.espeak_SetVoiceByName(voice) != EspeakLibrary.EE_OK) {
            throw new TtsException(TtsException.Kind.FAILED, "espeak-ng could not select voice " + voice);
        }
        lib.espeak_SetParameter(EspeakLibrary.PARAMETER_RATE, wordsPerMinute, 0);
        lib.espeak_SetSynthCallback(callback);
        byte[] bytes = (text + '\0').getBytes(StandardCharsets.UTF_8);
        this.target = target;
        this.targetFailure = null;
        try {
            int error = lib.espeak_Synth(bytes, new NativeLong(bytes.length), 0, EspeakLibrary.POS_CHARACTER, 0,
                    EspeakLibrary.CHARS_UTF8, null, null);
            if (targetFailure != null) {
                throw targetFailure;
            }
            if (error != EspeakLibrary.EE_OK) {
                throw new TtsException(TtsException.Kind.FAILED, "espeak-ng failed to synthesize (error " + error + ")");
            }
        } finally {
            this.target = null;
        }
    }

    private int chunk(Pointer wav, int samples, Pointer events) {
        if (wav == null || samples <= 0 || target == null) {
            return 0;
        }
        try {
            return target.test(wav.getShortArray(0, samples)) ? 0 : 1;
        } catch (RuntimeException e) {
            targetFailure = e;
            return 1;
        }
    }
}
