package io.localmodels.asr;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Whisper's special token ids, read from the model's generation_config.json and tokenizer (never
 * hard-coded: large-v3 shifts everything after the languages by one).
 */
public record SpecialTokens(int eot, int sot, int transcribe, int translate, int sotPrev, int sotLm, int noSpeech,
                            int noTimestamps, int timestampBegin, Map<String, Integer> languages,
                            int[] suppress, int[] beginSuppress) {

    /** Timestamp tokens are 0.02 s apart. */
    public static final double TIMESTAMP_STEP = 0.02;

    public SpecialTokens {
        languages = Collections.unmodifiableMap(new TreeMap<>(languages));
    }

    public Optional<Integer> language(String code) {
        return Optional.ofNullable(languages.get(code));
    }

    public String languageOf(int token) {
        return languages.entrySet().stream().filter(e -> e.getValue() == token).map(Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new IllegalArgumentException(token + " is not a language token"));
    }

    public Set<String> languageCodes() {
        return languages.keySet();
    }

    public boolean isTimestamp(int token) {
        return token >= timestampBegin;
    }
}
