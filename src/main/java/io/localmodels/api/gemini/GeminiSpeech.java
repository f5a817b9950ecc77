package io.localmodels.api.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import io.localmodels.api.errors.ApiException;
import io.localmodels.tts.SpeechService;
import io.localmodels.tts.TtsException;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request's {@code speechConfig}, read: which of the service's voices speaks the answer. Google's
 * prebuilt voice names (Puck, Kore, …) are all taken and speak with the voice of the answer's
 * language, as the service has one voice per language; {@code languageCode} picks that language
 * (without it, the language the wearer spoke, else English). A voice name of the service itself
 * ({@code es}, {@code en-gb}, …) is taken too, as an extension.
 *
 * @param voiceName the voice named, lower case (null: none named)
 * @param languageCode the language asked for (null: none)
 * @param speakers multiSpeakerVoiceConfig's speaker names with their voice names (empty: none named)
 */
record GeminiSpeech(String voiceName, String languageCode, Map<String, String> speakers) {

    /** Google's prebuilt voices, as its speech models and Live's native-audio models name them. */
    static final Set<String> GOOGLE_VOICES = Set.of("zephyr", "puck", "charon", "kore", "fenrir", "leda", "orus", "aoede",
            "callirrhoe", "autonoe", "enceladus", "iapetus", "umbriel", "algieba", "despina", "erinome", "algenib", "rasalgethi",
            "laomedeia", "achernar", "alnilam", "schedar", "gacrux", "pulcherrima", "achird", "zubenelgenubi", "vindemiatrix",
            "sadachbia", "sadaltager", "sulafat");
    private static final Set<String> FIELDS = Set.of("voiceConfig", "languageCode", "multiSpeakerVoiceConfig");
    private static final int MAX_SPEAKERS = 8;

    /** No speechConfig: the default voice. */
    static final GeminiSpeech DEFAULT = new GeminiSpeech(null, null, Map.of());

    /** Reads {@code speechConfig} at {@code where} (a missing one is the default); the names are checked by {@link #voice}. */
    static GeminiSpeech read(JsonNode config, String where) {
        if (config.isMissingNode() || config.isNull()) {
            return DEFAULT;
        }
        if (!config.isObject()) {
            throw GeminiRequests.invalid(where + " must be an object");
        }
        GeminiRequests.known(config, FIELDS, where + ".");
        String voice = voiceName(GeminiRequests.field(config, "voiceConfig"), where + ".voiceConfig");
        JsonNode language = GeminiRequests.field(config, "languageCode");
        if (!language.isMissingNode() && !language.isNull() && (!language.isTextual() || language.asText().length() > 16)) {
            throw GeminiRequests.invalid(where + ".languageCode must be a BCP-47 code such as en-US or es-ES");
        }
        Map<String, String> speakers = new LinkedHashMap<>();
        JsonNode multi = GeminiRequests.field(config, "multiSpeakerVoiceConfig");
        if (!multi.isMissingNode() && !multi.isNull()) {
            JsonNode list = GeminiRequests.field(multi, "speakerVoiceConfigs");
            if (!multi.isObject() || !list.isArray() || list.isEmpty() || list.size() > MAX_SPEAKERS) {
                throw GeminiRequests.invalid(where + ".multiSpeakerVoiceConfig.speakerVoiceConfigs must be a list of 1 to "
                        + MAX_SPEAKERS + " speakers");
            }
            for (int i = 0; i < list.size(); i++) {
                String at = where + ".multiSpeakerVoiceConfig.speakerVoiceConfigs[" + i + "]";
                JsonNode speaker = list.get(i).path("speaker");
                if (!speaker.isTextual() || speaker.asText().isBlank() || speaker.asText().length() > 64) {
                    throw GeminiRequests.invalid(at + ".speaker must be the speaker's name as the text writes it");
                }
                String named = voiceName(GeminiRequests.field(list.get(i), "voiceConfig"), at + ".voiceConfig");
                speakers.put(speaker.asText().strip(), named == null ? "" : named);
            }
        }
        return new GeminiSpeech(voice, language.isTextual() ? language.asText() : null, Map.copyOf(speakers));
    }

    private static String voiceName(JsonNode voiceConfig, String where) {
        if (voiceConfig.isMissingNode() || voiceConfig.isNull()) {
            return null;
        }
        if (!voiceConfig.isObject()) {
            throw GeminiRequests.invalid(where + " must be an object");
        }
        JsonNode prebuilt = GeminiRequests.field(voiceConfig, "prebuiltVoiceConfig");
        if (!prebuilt.isMissingNode() && !prebuilt.isNull() && !prebuilt.isObject()) {
            throw GeminiRequests.invalid(where + ".prebuiltVoiceConfig must be an object");
        }
        JsonNode name = GeminiRequests.field(prebuilt, "voiceName");
        if (name.isMissingNode() || name.isNull()) {
            return null;
        }
        if (!name.isTextual() || name.asText().isBlank() || name.asText().length() > 64) {
            throw GeminiRequests.invalid(where + ".prebuiltVoiceConfig.voiceName must be a voice name such as Kore or Puck");
        }
        return name.asText().strip().toLowerCase(Locale.ROOT);
    }

    /**
     * The service's voice for this config: the named language's voice, else {@code spokenLanguage}'s
     * (what the wearer spoke; may be null), else the default. A voice name that is neither Google's nor
     * the service's, or a language with no voice, is a 400 naming what is offered.
     */
    String voice(SpeechService speech, String spokenLanguage) {
        for (String name : names()) {
            if (!GOOGLE_VOICES.contains(name) && !speech.voices().contains(name.replace('_', '-'))) {
                throw GeminiRequests.invalid("voiceName '" + name + "' is not a voice here: use one of Google's prebuilt voice names "
                        + new TreeSet<>(GOOGLE_VOICES) + " (each speaks with the voice of the answer's language) or a voice of "
                        + "GET /v1/audio/voices");
            }
        }
        if (languageCode != null) {
            String v = speech.voiceForLanguage(languageCode);
            if (v == null) {
                throw GeminiRequests.invalid("languageCode '" + languageCode + "' has no voice here (GET /v1/audio/voices lists them)");
            }
            return v;
        }
        if (voiceName != null && !GOOGLE_VOICES.contains(voiceName)) {
            return speech.voice(voiceName);
        }
        String spoken = speech.voiceForLanguage(spokenLanguage);
        return spoken != null ? spoken : speech.voice(null);
    }

    private Set<String> names() {
        Set<String> all = new TreeSet<>(speakers.values().stream().filter(v -> !v.isEmpty()).toList());
        if (voiceName != null) {
            all.add(voiceName);
        }
        return all;
    }

    /**
     * The voice of a spoken answer, with speech output ready: 503 while it starts, 501 when it is off or its
     * library is missing, 400 for a voice or language it does not have.
     */
    static String readyVoice(GeminiSpeech config, SpeechService service) {
        switch (service.state()) {
            case READY -> {
                return checked(config, service, null);
            }
            case LOADING -> throw new ApiException(503, "UNAVAILABLE", "speech output is starting; retry shortly");
            default -> throw new ApiException(501, "UNIMPLEMENTED", "responseModalities AUDIO: speech output is "
                    + service.state().name().toLowerCase(Locale.ROOT) + (service.reason() != null ? " (" + service.reason() + ")" : "")
                    + "; see /q/health/ready");
        }
    }

    /** The voice's check as the API answers it (a TtsException from the service's own voice lookup is a 400 too). */
    static String checked(GeminiSpeech speech, SpeechService service, String spokenLanguage) {
        try {
            return speech.voice(service, spokenLanguage);
        } catch (TtsException e) {
            throw GeminiRequests.invalid(e.getMessage());
        }
    }
}
