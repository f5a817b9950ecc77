package io.localmodels.asr;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The language codes Whisper was trained on (openai/whisper's {@code tokenizer.LANGUAGES}; large-v3
 * added yue). A request is checked against this list before any model is loaded, so a misspelt
 * code is refused up front instead of failing per utterance.
 */
public final class WhisperLanguages {

    private static final Set<String> CODES = Set.of("en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca",
            "nl", "ar", "sv", "it", "id", "hi", "fi", "vi", "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th",
            "ur", "hr", "bg", "lt", "la", "mi", "ml", "cy", "sk", "te", "fa", "lv", "bn", "sr", "az", "sl", "kn", "et", "mk",
            "br", "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw", "gl", "mr", "pa", "si", "km", "sn", "yo", "so", "af",
            "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo", "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my",
            "bo", "tl", "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su", "yue");

    private WhisperLanguages() {
    }

    /**
     * {@code auto}, or the Whisper code of {@code tag}: a known code, optionally followed by a region
     * or script subtag ({@code es-ES}, {@code zh_Hant}), which is dropped. Empty when Whisper does not know it.
     */
    public static Optional<String> normalise(String tag) {
        if (tag == null) {
            return Optional.empty();
        }
        if (tag.equals("auto")) {
            return Optional.of(tag);
        }
        if (!tag.matches("[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?")) {
            return Optional.empty();
        }
        String base = tag.split("[-_]")[0].toLowerCase(Locale.ROOT);
        return CODES.contains(base) ? Optional.of(base) : Optional.empty();
    }
}
